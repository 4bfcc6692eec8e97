#include "fedra/status.h"

#include <charconv>

namespace fedra {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kParseError: return "rego_parse_error";
    case StatusCode::kCompileError: return "rego_compile_error";
    case StatusCode::kTypeError: return "rego_type_error";
    case StatusCode::kUnsafeVarError: return "rego_unsafe_var_error";
    case StatusCode::kRecursionError: return "rego_recursion_error";
    case StatusCode::kEvalConflictError: return "eval_conflict_error";
    case StatusCode::kEvalTypeError: return "eval_type_error";
    case StatusCode::kEvalBuiltinError: return "eval_builtin_error";
    case StatusCode::kEvalCancelError: return "eval_cancel_error";
    case StatusCode::kEvalLimitError: return "fedra_limit_error";
    case StatusCode::kInternal: return "internal_error";
  }
  return "internal_error";
}

namespace {
void AppendUint(uint32_t v, std::string* out) {
  char buf[16];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}
}  // namespace

std::string Location::ToString() const {
  std::string s;
  if (!file.empty()) {
    s.append(file);
    s.push_back(':');
  }
  AppendUint(line, &s);
  s.push_back(':');
  AppendUint(col, &s);
  return s;
}

Status::Status(StatusCode code, std::string_view msg, Location loc) {
  if (code == StatusCode::kOk) return;
  rep_ = std::make_unique<Rep>();
  rep_->code = code;
  rep_->message.assign(msg);
  rep_->file.assign(loc.file);
  rep_->location = loc;
  rep_->location.file = rep_->file;
}

Status::Status(const Status& other) {
  if (other.rep_) {
    rep_ = std::make_unique<Rep>(*other.rep_);
    // The copied view still points at `other`'s string: re-aim it.
    rep_->location.file = rep_->file;
  }
}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    Status tmp(other);
    rep_ = std::move(tmp.rep_);
  }
  return *this;
}

std::string Status::ToString() const {
  if (!rep_) return "OK";
  std::string s;
  if (rep_->location.known()) {
    s = rep_->location.ToString();
    s.append(": ");
  }
  s.append(StatusCodeName(rep_->code));
  s.append(": ");
  s.append(rep_->message);
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (!rep_) return Status();
  std::string msg;
  msg.reserve(context.size() + 2 + rep_->message.size());
  msg.append(context);
  msg.append(": ");
  msg.append(rep_->message);
  return Status(rep_->code, msg, rep_->location);
}

Status Status::WithLocation(Location loc) const {
  if (!rep_) return Status();
  if (rep_->location.known()) return *this;
  return Status(rep_->code, rep_->message, loc);
}

}  // namespace fedra
