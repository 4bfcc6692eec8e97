// Api: the Kubernetes REST contract over a Store, independent of any HTTP
// server (the front end in http_frontend.h adapts fedra::http::Server to
// it; tests can call it directly).
//
// Routes: /version, /healthz, /readyz, /livez; discovery (/api, /api/v1,
// /apis, /apis/<g>, /apis/<g>/<v>), /openapi/v3 (enough for kubectl's
// field-validation check); and resources at
//   /api/v1[/namespaces/<ns>]/<resource>[/<name>[/status]]
//   /apis/<g>/<v>[/namespaces/<ns>]/<resource>[/<name>[/status]]
// with get, list, watch, create, update, patch (merge, JSON, strategic,
// apply), delete and deletecollection; dryRun=All; fieldManager/force;
// fieldValidation (Strict: unknown fields of custom resources are a 400;
// Warn, the default: a Warning header); Table output when the client asks
// for `as=Table`.
//
// Writes run: decode -> schema defaulting -> mutating admission -> prune,
// default -> schema validation -> validating admission -> store. Patches and
// applies re-read and retry on conflicts they did not ask for (as the API
// server's GuaranteedUpdate does).
//
// Thread-safe; the Store and Admission must outlive the Api.
#ifndef FEDRA_TESTS_APISERVER_API_H_
#define FEDRA_TESTS_APISERVER_API_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"
#include "tests/apiserver/store.h"

namespace fedra::apiserver {

struct ApiRequest {
  std::string method;
  std::string path;  // decoded
  std::vector<std::pair<std::string, std::string>> query;
  std::string content_type;  // media type, lower case, no parameters
  std::string accept;
  std::string user_agent;
  std::string user;  // authenticated user name
  std::string body;

  const std::string* Query(const std::string& key) const;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse FromJson(int status, const json& body);
  static ApiResponse FromError(const ApiError& error);
};

// What admission sees of one write (AdmissionRequest's fields).
struct AdmissionAttributes {
  ResourcePtr type;
  std::string operation;    // CREATE, UPDATE, DELETE
  std::string subresource;  // "" or "status"
  std::string ns;
  std::string name;
  std::string user;
  bool dry_run = false;
  json old_object;  // null on CREATE
  json options;     // CreateOptions/UpdateOptions/DeleteOptions
};

// Admission control, called by the Api for every write. Implementations
// must be thread-safe; they run outside the store's lock.
class Admission {
 public:
  virtual ~Admission() = default;
  // May change *object (JSON patches from mutating webhooks).
  virtual ApiError Mutate(const AdmissionAttributes& attrs, json* object,
                          std::vector<std::string>* warnings) = 0;
  virtual ApiError Validate(const AdmissionAttributes& attrs, const json& object,
                            std::vector<std::string>* warnings) = 0;
};

struct ApiOptions {
  std::string server_address;  // "127.0.0.1:PORT" for /api's serverAddressByClientCIDRs
  std::string git_version = "v1.32.0";
};

class Api {
 public:
  Api(Store* store, Admission* admission, ApiOptions options);

  // Every request but watches.
  ApiResponse Handle(const ApiRequest& request);
  // True when `request` is a watch (GET with watch=true or watch=1).
  static bool IsWatch(const ApiRequest& request);
  // Starts a watch. `make_sink` receives the watched type and whether the
  // client asked for Table output, and returns where events go. Returns
  // false with *error set when the watch could not start.
  using SinkFactory =
      std::function<std::shared_ptr<WatchSink>(const ResourcePtr& type, bool table)>;
  bool StartWatch(const ApiRequest& request, const SinkFactory& make_sink, uint64_t* id,
                  ApiResponse* error);

  Store* store() const { return store_; }

 private:
  struct Target {
    ResourcePtr type;
    std::string ns;
    std::string name;
    std::string subresource;
  };
  ApiResponse Dispatch(const ApiRequest& request);
  bool StartWatchUnguarded(const ApiRequest& request, const SinkFactory& make_sink, uint64_t* id,
                           ApiResponse* error);
  ApiError Route(const ApiRequest& request, Target* target);
  ApiResponse Discovery(const ApiRequest& request, bool* handled);
  ApiResponse OpenApi(const ApiRequest& request, bool* handled);

  ApiResponse Get(const ApiRequest& request, const Target& t);
  ApiResponse List(const ApiRequest& request, const Target& t);
  ApiResponse Create(const ApiRequest& request, const Target& t);
  ApiResponse Replace(const ApiRequest& request, const Target& t);
  ApiResponse Patch(const ApiRequest& request, const Target& t);
  ApiResponse Remove(const ApiRequest& request, const Target& t);
  ApiResponse RemoveCollection(const ApiRequest& request, const Target& t);

  // The write pipeline shared by create, update and patch.
  ApiError PrepareWrite(const ApiRequest& request, const Target& t, const std::string& operation,
                        const json& old_object, json* object, std::vector<std::string>* warnings);
  ApiError Commit(const ApiRequest& request, const Target& t, const std::string& operation,
                  const json& old_object, json object, json* out);

  ApiResponse WithWarnings(ApiResponse response, const std::vector<std::string>& warnings);
  ApiResponse Render(const ApiRequest& request, const Target& t, int status, const json& obj);

  Store* const store_;
  Admission* const admission_;
  const ApiOptions options_;
};

// Table output (meta.k8s.io/v1 Table) for one object or a list.
json ToTable(const ResourceType& type, const json& obj_or_list, bool include_object);
// Evaluates a printer column's JSONPath (".spec.x", ".items[0].y") simply:
// dotted fields and indexes; filters are not supported (empty cell).
// A watch event with its object as a one-row Table (ERROR and BOOKMARK
// events pass through).
json TableEvent(const ResourceType& type, const json& event, bool include_object);
json EvalColumnPath(const json& obj, const std::string& path);

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_API_H_
