// Status: the outcome of an operation that can fail, leveldb-style.
//
// Modules return a Status instead of throwing. An OK status holds no heap
// memory and costs one pointer test. A failed status carries a code (mapped to
// OPA's error code strings so callers and tests can compare with OPA), a
// message for people, and an optional source location (file:line:col).
//
// Exceptions thrown by third-party libraries (yaml-cpp, nlohmann, cpprestsdk)
// are caught at module boundaries and turned into a Status with context.
#ifndef FEDRA_STATUS_H_
#define FEDRA_STATUS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fedra {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,   // bad caller input that is not Rego (flags, files, JSON)
  kNotFound,
  kIoError,
  kParseError,        // rego_parse_error
  kCompileError,      // rego_compile_error
  kTypeError,         // rego_type_error (compile time)
  kUnsafeVarError,    // rego_unsafe_var_error
  kRecursionError,    // rego_recursion_error
  kEvalConflictError, // eval_conflict_error
  kEvalTypeError,     // eval_type_error
  kEvalBuiltinError,  // eval_builtin_error
  kEvalCancelError,   // eval_cancel_error (deadline, cancellation)
  kEvalLimitError,    // fedra_limit_error (depth, size bounds)
  kInternal,
};

// OPA's code string for `code`, e.g. "eval_conflict_error".
std::string_view StatusCodeName(StatusCode code);

// A position in a source file. Lines and columns start at 1; 0 means unknown.
struct Location {
  std::string_view file;  // points into a file name owned by the module set
  uint32_t line = 0;
  uint32_t col = 0;

  bool known() const { return line != 0; }
  // "file:line:col", or "line:col" when the file is unnamed.
  std::string ToString() const;
};

class Status {
 public:
  Status() = default;  // OK
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view msg) { return Status(StatusCode::kInvalidArgument, msg); }
  static Status NotFound(std::string_view msg) { return Status(StatusCode::kNotFound, msg); }
  static Status IoError(std::string_view msg) { return Status(StatusCode::kIoError, msg); }
  static Status Internal(std::string_view msg) { return Status(StatusCode::kInternal, msg); }
  static Status ParseError(std::string_view msg, Location loc) { return Status(StatusCode::kParseError, msg, loc); }
  static Status CompileError(std::string_view msg, Location loc) { return Status(StatusCode::kCompileError, msg, loc); }
  static Status TypeError(std::string_view msg, Location loc = {}) { return Status(StatusCode::kEvalTypeError, msg, loc); }
  static Status BuiltinError(std::string_view msg, Location loc = {}) { return Status(StatusCode::kEvalBuiltinError, msg, loc); }
  static Status ConflictError(std::string_view msg, Location loc = {}) { return Status(StatusCode::kEvalConflictError, msg, loc); }
  static Status Cancelled(std::string_view msg) { return Status(StatusCode::kEvalCancelError, msg); }
  static Status LimitExceeded(std::string_view msg, Location loc = {}) { return Status(StatusCode::kEvalLimitError, msg, loc); }

  Status(StatusCode code, std::string_view msg, Location loc = {});

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message without location or code.
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : std::string_view(); }
  Location location() const { return rep_ ? rep_->location : Location{}; }
  // The location's file name is copied into the status so it outlives sources.
  // "file:line:col: code: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` + ": ".
  Status WithContext(std::string_view context) const;
  // Returns a copy with `loc` set when it has no location yet.
  Status WithLocation(Location loc) const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::string file;
    Location location;  // location.file points into `file`
  };
  std::unique_ptr<Rep> rep_;
};

// Evaluates `expr` (a Status) and returns it from the enclosing function when
// it is not OK.
#define FEDRA_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::fedra::Status _fedra_st = (expr);        \
    if (!_fedra_st.ok()) return _fedra_st;     \
  } while (0)

}  // namespace fedra

#endif  // FEDRA_STATUS_H_
