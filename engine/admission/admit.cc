// Revision::Admit: one AdmissionReview in, one AdmissionReview out.
#include <string>

#include "admission/fields.h"
#include "admission/match.h"
#include "admission/response.h"
#include "admission/revision.h"

namespace fedra::admission {

using internal::FieldError;
using internal::Member;

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAllowed:
      return "allowed";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kWarned:
      return "warned";
    case Outcome::kDryRun:
      return "dryrun";
    case Outcome::kMutated:
      return "mutated";
    case Outcome::kAdvised:
      return "advised";
    case Outcome::kErrorDenied:
      return "error_denied";
    case Outcome::kErrorIgnored:
      return "error_ignored";
  }
  return "allowed";
}

namespace {

constexpr std::string_view kReviewApiVersion = "admission.k8s.io/v1";

struct Request {
  Value request;  // the AdmissionRequest, as given
  std::string_view uid;
  RequestFacts facts;
};

Status RequireString(const Value& obj, std::string_view key, std::string_view path, bool non_empty,
                     std::string_view* out) {
  Value v = Member(obj, key);
  std::string p = internal::Join(path, key);
  if (v.is_undefined() || v.is_null()) return FieldError(p, "required");
  if (!v.is_string())
    return FieldError(p, "expected a string, found " + std::string(KindName(v.kind())));
  if (non_empty && v.str().empty()) return FieldError(p, "must not be empty");
  *out = v.str();  // views into `obj`, which the caller keeps alive
  return Status::OK();
}

Status OptionalString(const Value& obj, std::string_view key, std::string_view path,
                      std::string_view* out) {
  Value v = Member(obj, key);
  if (v.is_undefined() || v.is_null()) return Status::OK();
  return RequireString(obj, key, path, false, out);
}

// Validates the parts of the review that decisions depend on; each error
// names the JSON path.
Status ParseReview(const Value& review, Request* out) {
  if (!review.is_object()) {
    return FieldError(
        "$", "expected an AdmissionReview object, found " + std::string(KindName(review.kind())));
  }
  std::string_view api_version, kind;
  FEDRA_RETURN_IF_ERROR(RequireString(review, "apiVersion", "", true, &api_version));
  if (api_version != kReviewApiVersion) {
    return FieldError("apiVersion", "expected \"" + std::string(kReviewApiVersion) +
                                        "\", found \"" + std::string(api_version) + "\"");
  }
  FEDRA_RETURN_IF_ERROR(RequireString(review, "kind", "", true, &kind));
  if (kind != "AdmissionReview") {
    return FieldError("kind", "expected \"AdmissionReview\", found \"" + std::string(kind) + "\"");
  }
  const Value* req = review.Find("request");
  if (!req || req->is_null()) return FieldError("request", "required");
  if (!req->is_object()) {
    return FieldError("request", "expected an object, found " + std::string(KindName(req->kind())));
  }
  out->request = *req;
  const Value& r = *req;
  FEDRA_RETURN_IF_ERROR(RequireString(r, "uid", "request", true, &out->uid));
  const Value* k = r.Find("kind");
  if (!k || k->is_null()) return FieldError("request.kind", "required");
  if (!k->is_object())
    return FieldError("request.kind", "expected an object {group, version, kind}");
  RequestFacts& f = out->facts;
  FEDRA_RETURN_IF_ERROR(RequireString(*k, "kind", "request.kind", true, &f.kind));
  FEDRA_RETURN_IF_ERROR(OptionalString(*k, "group", "request.kind", &f.group));
  std::string_view version;
  FEDRA_RETURN_IF_ERROR(OptionalString(*k, "version", "request.kind", &version));
  FEDRA_RETURN_IF_ERROR(RequireString(r, "operation", "request", true, &f.operation));
  if (f.operation != "CREATE" && f.operation != "UPDATE" && f.operation != "DELETE" &&
      f.operation != "CONNECT") {
    return FieldError("request.operation", "\"" + std::string(f.operation) +
                                               "\" is not one of CREATE, UPDATE, DELETE, CONNECT");
  }
  std::string_view ns, name;
  FEDRA_RETURN_IF_ERROR(OptionalString(r, "namespace", "request", &ns));
  FEDRA_RETURN_IF_ERROR(OptionalString(r, "name", "request", &name));
  for (const char* key : {"object", "oldObject"}) {
    Value v = Member(r, key);
    if (v.defined() && !v.is_null() && !v.is_object()) {
      return FieldError(internal::Join("request", key),
                        "expected an object, found " + std::string(KindName(v.kind())));
    }
  }
  Value object = Member(r, f.operation == "DELETE" ? "oldObject" : "object");
  if ((f.operation == "CREATE" || f.operation == "UPDATE") && !object.is_object()) {
    return FieldError("request.object", "required for " + std::string(f.operation));
  }
  Value metadata = Member(object, "metadata");
  if (metadata.defined() && !metadata.is_object()) {
    return FieldError(
        f.operation == "DELETE" ? "request.oldObject.metadata" : "request.object.metadata",
        "expected an object");
  }
  f.labels = Member(metadata, "labels");
  if (f.labels.defined() && !f.labels.is_null() && !f.labels.is_object()) {
    return FieldError(f.operation == "DELETE" ? "request.oldObject.metadata.labels"
                                              : "request.object.metadata.labels",
                      "expected an object");
  }
  if (f.operation == "UPDATE") {
    Value old_labels = internal::Lookup(r, {"oldObject", "metadata", "labels"});
    if (old_labels.is_object()) f.old_labels = old_labels;
  }
  f.namespaced = !ns.empty();
  f.is_namespace = f.group.empty() && f.kind == "Namespace";
  if (f.is_namespace) {
    if (name.empty()) {
      Value n = Member(metadata, "name");
      if (n.is_string()) name = n.str();
    }
    f.ns = name;
  } else {
    f.ns = ns;
  }
  // `name` may point into `metadata`, a copy: keep it alive via out->request.
  return Status::OK();
}

// The elements of a rule's value (a set, or an array for rules written as one).
std::span<const Value> Elements(const Value& v) {
  if (v.is_set()) return v.set();
  if (v.is_array()) return v.array();
  return {};
}

Status EvalRule(const PolicySet& ps, const PreparedQuery& q, const EvalOptions& eo, Value* out) {
  FEDRA_RETURN_IF_ERROR(ps.EvalValue(q, eo, out));
  if (out->defined() && !out->is_set() && !out->is_array()) {
    Status s = Status::TypeError("rule value is " + std::string(KindName(out->kind())) +
                                 ", expected a set");
    *out = Value();
    return s;
  }
  return Status::OK();
}

// {"msg": m, "details": d} -> Violation; a bare string is its own message.
Violation ToViolation(const Value& v) {
  Violation out;
  if (v.is_string()) {
    out.message = std::string(v.str());
  } else if (const Value* msg = v.is_object() ? v.Find("msg") : nullptr; msg && msg->is_string()) {
    out.message = std::string(msg->str());
    if (const Value* d = v.Find("details")) out.details = *d;
  } else {
    out.message = ToJson(v);
    out.details = v;
  }
  return out;
}

std::string PrefixedMessage(std::string_view policy, std::string_view msg) {
  std::string out = "[";
  out += policy;
  out += "] ";
  out += msg;
  return out;
}

}  // namespace

Status Revision::Admit(const Value& admission_review, const AdmitOptions& options,
                       AdmitResult* out) const {
  *out = AdmitResult{};
  Request req;
  FEDRA_RETURN_IF_ERROR(ParseReview(admission_review, &req));

  // The caller's namespace lookup, or the revision's inventory (no copy of
  // the caller's function per decision).
  std::function<Value(std::string_view)> inventory_labels;
  const std::function<Value(std::string_view)>* ns_labels = &options.namespace_labels;
  if (!*ns_labels) {
    ns_labels = &inventory_labels;
    inventory_labels = [this](std::string_view ns) {
      Value n = internal::Lookup(data_, {"inventory", "cluster", "v1", "Namespace"});
      n = Member(n, ns);
      return internal::Lookup(n, {"metadata", "labels"});
    };
  }

  std::vector<std::string> denials;
  std::vector<std::string> warnings;
  std::vector<Value> patch;
  const Value review_key = Value::String("review");
  const Value request_key = Value::String("request");
  const Value params_key = Value::String("parameters");

  for (size_t i = 0; i < policies_.size(); ++i) {
    const CompiledPolicy& cp = policies_[i];
    const PolicySpec& spec = cp.spec;
    if (!MatchRequest(spec.match, req.facts, *ns_labels)) continue;
    const auto start = std::chrono::steady_clock::now();
    PolicyDecision d;
    d.policy = spec.name;
    d.index = i;

    EvalOptions eo;
    // Built from a stack buffer: one allocation per policy, not two.
    ObjectEntry input[] = {
        {params_key, spec.parameters}, {request_key, req.request}, {review_key, req.request}};
    eo.input = Value::ObjectFrom(input);
    eo.deadline = options.deadline;
    eo.cancel = options.cancel;

    Status st;
    std::vector<Value> ops;
    const bool recommendation = spec.type == PolicyType::kRecommendation;
    if (options.deadline != std::chrono::steady_clock::time_point{} && start >= options.deadline) {
      st = Status::Cancelled("deadline exceeded before evaluation");
    }
    const PreparedQuery* findings = recommendation ? (cp.has_recommend ? &cp.recommend : nullptr)
                                                   : (cp.has_violation ? &cp.violation : nullptr);
    if (st.ok() && findings) {
      Value v;
      st = EvalRule(*policy_set_, *findings, eo, &v);
      for (const Value& e : Elements(v)) d.violations.push_back(ToViolation(e));
    }
    if (st.ok() && cp.has_patch && !recommendation) {
      Value v;
      st = EvalRule(*policy_set_, cp.patch, eo, &v);
      for (const Value& e : Elements(v)) {
        Value op;
        st = CheckPatchOp(e, &op);
        if (!st.ok()) break;
        ops.push_back(std::move(op));
      }
    }

    if (!st.ok()) {
      d.error = st;
      d.violations.clear();
      if (spec.failure_policy == FailurePolicy::kFail) {
        d.outcome = Outcome::kErrorDenied;
        denials.push_back(PrefixedMessage(spec.name, "policy evaluation failed: " + st.ToString()));
      } else {
        d.outcome = Outcome::kErrorIgnored;
      }
    } else if (!d.violations.empty()) {
      if (spec.enforcement == Enforcement::kDryRun) {
        d.outcome = Outcome::kDryRun;
      } else if (recommendation) {
        d.outcome = Outcome::kAdvised;
        for (const Violation& v : d.violations)
          warnings.push_back(PrefixedMessage(spec.name, v.message));
      } else if (spec.enforcement == Enforcement::kWarn) {
        d.outcome = Outcome::kWarned;
        for (const Violation& v : d.violations)
          warnings.push_back(PrefixedMessage(spec.name, v.message));
      } else {
        d.outcome = Outcome::kDenied;
        for (const Violation& v : d.violations)
          denials.push_back(PrefixedMessage(spec.name, v.message));
      }
    }
    if (st.ok() && !ops.empty()) {
      d.patch_ops = ops.size();
      // DryRun mutations are counted, never applied.
      if (spec.enforcement != Enforcement::kDryRun) {
        if (d.outcome == Outcome::kAllowed) d.outcome = Outcome::kMutated;
        for (Value& op : ops) patch.push_back(std::move(op));
      } else if (d.outcome == Outcome::kAllowed) {
        d.outcome = Outcome::kDryRun;
      }
    }
    d.duration = std::chrono::steady_clock::now() - start;
    out->decisions.push_back(std::move(d));
  }

  out->allowed = denials.empty();
  out->warnings_dropped = LimitWarnings(&warnings);
  out->warnings = warnings;

  std::vector<ObjectEntry> resp;
  resp.emplace_back(Value::String("uid"), Value::String(req.uid));
  resp.emplace_back(Value::String("allowed"), Value::Bool(out->allowed));
  if (!out->allowed) {
    std::string message;
    for (const std::string& m : denials) {
      if (!message.empty()) message += '\n';
      message += m;
    }
    resp.emplace_back(Value::String("status"),
                      Value::Object({{Value::String("code"), Value::Int(403)},
                                     {Value::String("reason"), Value::String("Forbidden")},
                                     {Value::String("status"), Value::String("Failure")},
                                     {Value::String("message"), Value::String(message)}}));
  } else if (!patch.empty()) {
    resp.emplace_back(Value::String("patchType"), Value::String("JSONPatch"));
    resp.emplace_back(Value::String("patch"),
                      Value::String(Base64Encode(ToJson(Value::Array(std::move(patch))))));
  }
  if (!warnings.empty()) {
    std::vector<Value> w;
    for (std::string& s : warnings) w.push_back(Value::String(std::move(s)));
    resp.emplace_back(Value::String("warnings"), Value::Array(std::move(w)));
  }
  out->response = Value::Object({{Value::String("apiVersion"), Value::String(kReviewApiVersion)},
                                 {Value::String("kind"), Value::String("AdmissionReview")},
                                 {Value::String("response"), Value::Object(std::move(resp))}});
  return Status::OK();
}

}  // namespace fedra::admission
