// OPA's Data API and Policy API.
#include <chrono>

#include "server/api.h"
#include "value/json.h"

namespace fedra::server {

namespace {

bool Flag(const http::Request& req, std::string_view name) {
  const std::string* v = req.Query(name);
  return v != nullptr && (v->empty() || *v == "true" || *v == "1");
}

Value Obj(std::vector<ObjectEntry> e) { return Value::Object(std::move(e)); }
ObjectEntry Entry(std::string_view k, Value v) { return {Value::String(k), std::move(v)}; }

http::Response JsonResult(int status, const Value& v, bool pretty) {
  return http::Response::Json(status, ToJson(v, pretty) + "\n");
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  return r;
}

// Compile errors as OPA reports them: a list with code, message, location.
http::Response CompileErrorResponse(const Status& s) {
  std::vector<ObjectEntry> err;
  err.push_back(Entry("code", Value::String(StatusCodeName(s.code()))));
  err.push_back(Entry("message", Value::String(s.message())));
  Location loc = s.location();
  if (loc.known()) {
    err.push_back(Entry("location", Obj({Entry("file", Value::String(loc.file)),
                                          Entry("row", Value::Int(loc.line)),
                                          Entry("col", Value::Int(loc.col))})));
  }
  Value body = Obj({Entry("code", Value::String("invalid_parameter")),
                    Entry("message", Value::String("error(s) occurred while compiling module(s)")),
                    Entry("errors", Value::Array({Obj(std::move(err))}))});
  return http::Response::Json(400, ToJson(body) + "\n");
}

}  // namespace

http::Response EngineApi::Data(const http::Request& req) {
  std::vector<std::string> path = SplitPath(std::string_view(req.raw_path).substr(8));  // after "/v1/data"
  if (req.method == "GET" || req.method == "POST") return DataRead(req, path);
  if (req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE") {
    return DataWrite(req, path);
  }
  return ErrorResponse(405, "method_not_allowed", "method " + req.method + " not allowed on /v1/data");
}

http::Response EngineApi::DataRead(const http::Request& req, const std::vector<std::string>& path) {
  auto start = std::chrono::steady_clock::now();
  bool pretty = Flag(req, "pretty");
  Value input;
  if (req.method == "POST" && !req.body.empty()) {
    Value body;
    Status s = ParseBody(req, &body);
    if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.ToString());
    if (!body.is_object()) {
      return ErrorResponse(400, "invalid_parameter", "request body must be an object: {\"input\": ...}");
    }
    if (const Value* in = body.Find(std::string_view("input"))) input = *in;
  } else if (const std::string* q = req.Query("input")) {
    Status s = ParseJson(*q, &input, "input query parameter");
    if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.ToString());
  }
  std::shared_ptr<const Active> active = store_->Current();
  std::shared_ptr<const PreparedQuery> query;
  Status s = active->Query(path, &query);
  if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.ToString());
  EvalOptions options;
  options.input = input;
  options.strict_builtin_errors = Flag(req, "strict-builtin-errors");
  options.deadline = std::chrono::steady_clock::now() + config_.decision_timeout;
  auto eval_start = std::chrono::steady_clock::now();
  Value result;
  s = active->revision->policy_set()->EvalValue(*query, options, &result);
  auto eval_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now() - eval_start)
                     .count();
  if (!s.ok()) {
    Value body = Obj({Entry("code", Value::String("internal_error")),
                      Entry("message", Value::String(s.ToString())),
                      Entry("errors", Value::Array({Obj({
                                          Entry("code", Value::String(StatusCodeName(s.code()))),
                                          Entry("message", Value::String(s.message())),
                                      })}))});
    return http::Response::Json(500, ToJson(body, pretty) + "\n");
  }
  std::vector<ObjectEntry> out;
  if (result.defined()) out.push_back(Entry("result", result));
  if (Flag(req, "metrics")) {
    auto total_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    out.push_back(Entry("metrics", Obj({Entry("timer_rego_query_eval_ns", Value::Int(eval_ns)),
                                        Entry("timer_server_handler_ns", Value::Int(total_ns))})));
  }
  return JsonResult(200, Obj(std::move(out)), pretty);
}

http::Response EngineApi::DataWrite(const http::Request& req, const std::vector<std::string>& path) {
  if (!config_.allow_api_writes) {
    return ErrorResponse(403, "forbidden", "writes through the API are disabled (--allow-api-writes)");
  }
  Status s;
  if (req.method == "DELETE") {
    s = store_->DeleteData(path);
  } else {
    Value body;
    s = ParseBody(req, &body);
    if (!s.ok()) return ErrorResponse(400, "invalid_parameter", s.ToString());
    if (req.method == "PUT") {
      const std::string* inm = req.headers.Get("If-None-Match");
      if (inm != nullptr && *inm == "*" &&
          GetPath(store_->Current()->revision->data(), path).defined()) {
        http::Response r;
        r.status = 304;
        return r;
      }
      s = store_->PutData(path, body);
    } else {
      if (!body.is_array()) {
        return ErrorResponse(400, "invalid_parameter", "PATCH takes a JSON Patch array");
      }
      s = store_->PatchData(path, body);
    }
  }
  if (s.code() == StatusCode::kNotFound) return ErrorResponse(404, "resource_not_found", s.message());
  if (s.code() == StatusCode::kInvalidArgument) {
    return ErrorResponse(400, "invalid_parameter", s.message());
  }
  if (!s.ok()) return CompileErrorResponse(s);
  return NoContent();
}

http::Response EngineApi::Policies(const http::Request& req, std::string_view rest) {
  std::string id = rest.empty() ? "" : http::PercentDecode(rest.substr(1));
  bool pretty = Flag(req, "pretty");
  auto policy = [](const std::string& pid, const std::string& raw) {
    return Obj({Entry("id", Value::String(pid)), Entry("raw", Value::String(raw))});
  };
  if (req.method == "GET") {
    auto modules = store_->Modules();
    if (id.empty()) {
      std::vector<Value> list;
      for (const auto& [k, v] : modules) list.push_back(policy(k, v));
      return JsonResult(200, Obj({Entry("result", Value::Array(std::move(list)))}), pretty);
    }
    auto it = modules.find(id);
    if (it == modules.end()) return ErrorResponse(404, "resource_not_found", "policy " + id + " not found");
    return JsonResult(200, Obj({Entry("result", policy(it->first, it->second))}), pretty);
  }
  if (req.method != "PUT" && req.method != "DELETE") {
    return ErrorResponse(405, "method_not_allowed", "method " + req.method + " not allowed on /v1/policies");
  }
  if (!config_.allow_api_writes) {
    return ErrorResponse(403, "forbidden", "writes through the API are disabled (--allow-api-writes)");
  }
  if (id.empty()) return ErrorResponse(400, "invalid_parameter", "missing policy id: /v1/policies/{id}");
  Status s = req.method == "PUT" ? store_->PutModule(id, req.body) : store_->DeleteModule(id);
  if (s.code() == StatusCode::kNotFound) return ErrorResponse(404, "resource_not_found", s.message());
  if (s.code() == StatusCode::kInvalidArgument) {
    return ErrorResponse(400, "invalid_parameter", s.message());
  }
  if (!s.ok()) return CompileErrorResponse(s);
  return JsonResult(200, Value::EmptyObject(), pretty);
}

}  // namespace fedra::server
