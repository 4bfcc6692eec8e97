#include "admission/fields.h"

namespace fedra::admission::internal {

std::string Join(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string Index(std::string_view path, size_t i) {
  std::string out(path);
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

Status FieldError(std::string_view path, std::string_view msg) {
  std::string text(path);
  text += ": ";
  text += msg;
  return Status::InvalidArgument(text);
}

Value Member(const Value& obj, std::string_view key) {
  if (!obj.is_object()) return Value();
  const Value* v = obj.Find(key);
  return v ? *v : Value();
}

Status OptString(const Value& obj, std::string_view key, std::string_view path, std::string* out) {
  Value v = Member(obj, key);
  if (v.is_undefined() || v.is_null()) return Status::OK();
  if (!v.is_string()) {
    return FieldError(Join(path, key),
                      "expected a string, found " + std::string(KindName(v.kind())));
  }
  *out = std::string(v.str());
  return Status::OK();
}

Status OptStrings(const Value& obj, std::string_view key, std::string_view path,
                  std::vector<std::string>* out) {
  Value v = Member(obj, key);
  if (v.is_undefined() || v.is_null()) return Status::OK();
  std::string p = Join(path, key);
  if (!v.is_array()) {
    return FieldError(p, "expected an array of strings, found " + std::string(KindName(v.kind())));
  }
  out->clear();
  size_t i = 0;
  for (const Value& item : v.array()) {
    if (!item.is_string()) {
      return FieldError(Index(p, i),
                        "expected a string, found " + std::string(KindName(item.kind())));
    }
    out->emplace_back(item.str());
    ++i;
  }
  return Status::OK();
}

Status OptObject(const Value& obj, std::string_view key, std::string_view path, Value* out) {
  Value v = Member(obj, key);
  if (v.is_undefined() || v.is_null()) {
    *out = Value();
    return Status::OK();
  }
  if (!v.is_object()) {
    return FieldError(Join(path, key),
                      "expected an object, found " + std::string(KindName(v.kind())));
  }
  *out = v;
  return Status::OK();
}

Value Lookup(const Value& root, std::initializer_list<std::string_view> keys) {
  Value cur = root;
  for (std::string_view k : keys) {
    cur = Member(cur, k);
    if (cur.is_undefined()) break;
  }
  return cur;
}

}  // namespace fedra::admission::internal
