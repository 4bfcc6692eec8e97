// Label and field selectors as the API server parses them from the
// `labelSelector` and `fieldSelector` query parameters.
//
// Labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
// joined by commas. Fields: `f=v`, `f==v`, `f!=v` where f is
// metadata.name, metadata.namespace, or a type-specific field the simulator
// knows (status.phase and spec.nodeName for pods, type for secrets,
// involvedObject.* for core events); anything else is a 400, as in
// Kubernetes ("field label not supported").
//
// Parsed selectors are immutable values; matching is thread-safe.
#ifndef FEDRA_TESTS_APISERVER_SELECTORS_H_
#define FEDRA_TESTS_APISERVER_SELECTORS_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apiserver/api_error.h"

namespace fedra::apiserver {

class LabelSelector {
 public:
  // Empty text selects everything.
  static ApiError Parse(const std::string& text, LabelSelector* out);
  bool Matches(const json& obj) const;
  bool empty() const { return reqs_.empty(); }

 private:
  enum class Op { kEq, kNotEq, kIn, kNotIn, kExists, kNotExists };
  struct Req {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Req> reqs_;
};

class FieldSelector {
 public:
  // `kind` and `group` decide which field labels are supported.
  static ApiError Parse(const std::string& text, const std::string& group,
                        const std::string& kind, FieldSelector* out);
  bool Matches(const json& obj) const;
  bool empty() const { return reqs_.empty(); }

 private:
  struct Req {
    std::string field;
    bool equal;
    std::string value;
  };
  std::vector<Req> reqs_;
};

}  // namespace fedra::apiserver

#endif  // FEDRA_TESTS_APISERVER_SELECTORS_H_
