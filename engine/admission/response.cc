#include "admission/response.h"

#include <set>

#include "admission/revision.h"

namespace fedra::admission {

namespace {

// Bytes of the first `n` code points of `s` (assumes valid UTF-8, which every
// fedra string is).
size_t PrefixBytes(std::string_view s, size_t n) {
  size_t i = 0;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return i;
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsPointer(const Value& v) {
  return v.is_string() && (v.str().empty() || v.str().front() == '/');
}

}  // namespace

size_t LimitWarnings(std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  size_t total = 0;
  size_t dropped = 0;
  for (std::string& w : *warnings) {
    for (char& c : w) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    if (CountChars(w) > kMaxWarningChars) {
      w.resize(PrefixBytes(w, kMaxWarningChars - 3));
      w += "...";
    }
    if (!seen.insert(w).second) continue;
    size_t n = CountChars(w);
    if (total + n > kMaxWarningTotalChars) {
      ++dropped;
      continue;
    }
    total += n;
    out.push_back(std::move(w));
  }
  *warnings = std::move(out);
  return dropped;
}

Status CheckPatchOp(const Value& op, Value* out) {
  if (!op.is_object()) {
    return Status::InvalidArgument("patch operation is not an object: " + ToJson(op));
  }
  const Value* name = op.Find("op");
  const Value* path = op.Find("path");
  if (!name || !name->is_string()) {
    return Status::InvalidArgument("patch operation without a string \"op\": " + ToJson(op));
  }
  std::string_view n = name->str();
  if (n != "add" && n != "remove" && n != "replace" && n != "move" && n != "copy" && n != "test") {
    return Status::InvalidArgument("patch operation \"" + std::string(n) +
                                   "\" is not one of add, remove, replace, move, copy, test");
  }
  if (!path || !IsPointer(*path)) {
    return Status::InvalidArgument("patch operation without a JSON Pointer \"path\": " +
                                   ToJson(op));
  }
  std::vector<ObjectEntry> e = {{Value::String("op"), *name}, {Value::String("path"), *path}};
  if (n == "move" || n == "copy") {
    const Value* from = op.Find("from");
    if (!from || !IsPointer(*from)) {
      return Status::InvalidArgument("patch operation " + std::string(n) +
                                     " without a JSON Pointer \"from\": " + ToJson(op));
    }
    e.emplace_back(Value::String("from"), *from);
  } else if (n != "remove") {
    const Value* value = op.Find("value");
    if (!value) {
      return Status::InvalidArgument("patch operation " + std::string(n) +
                                     " without \"value\": " + ToJson(op));
    }
    e.emplace_back(Value::String("value"), *value);
  }
  *out = Value::Object(std::move(e));
  return Status::OK();
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace fedra::admission
