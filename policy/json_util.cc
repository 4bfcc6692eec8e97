#include "policy/json_util.h"

#include <openssl/evp.h>

#include "value/json.h"

namespace fedra::policy::internal {

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

Status PathError(std::string_view path, std::string_view msg) {
  return Status::InvalidArgument(std::string(path) + ": " + std::string(msg));
}

namespace {

const Json* Find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Status OptString(const Json& obj, std::string_view key, std::string_view path, std::string* out) {
  const Json* v = Find(obj, key);
  if (!v) return Status::OK();
  if (!v->is_string()) return PathError(Join(path, key), "expected a string");
  *out = v->get<std::string>();
  return Status::OK();
}

Status OptBool(const Json& obj, std::string_view key, std::string_view path, bool* out) {
  const Json* v = Find(obj, key);
  if (!v) return Status::OK();
  if (!v->is_boolean()) return PathError(Join(path, key), "expected a boolean");
  *out = v->get<bool>();
  return Status::OK();
}

Status OptInt(const Json& obj, std::string_view key, std::string_view path, int64_t* out) {
  const Json* v = Find(obj, key);
  if (!v) return Status::OK();
  if (v->is_number_integer()) {
    *out = v->get<int64_t>();
    return Status::OK();
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() <= INT64_MAX) {
    *out = static_cast<int64_t>(v->get<uint64_t>());
    return Status::OK();
  }
  return PathError(Join(path, key), "expected an integer");
}

Status OptStrings(const Json& obj, std::string_view key, std::string_view path,
                  std::vector<std::string>* out) {
  const Json* v = Find(obj, key);
  if (!v) return Status::OK();
  std::string p = Join(path, key);
  if (!v->is_array()) return PathError(p, "expected an array of strings");
  out->clear();
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) return PathError(Index(p, i), "expected a string");
    out->push_back((*v)[i].get<std::string>());
  }
  return Status::OK();
}

Status OptStringMap(const Json& obj, std::string_view key, std::string_view path,
                    std::map<std::string, std::string>* out) {
  const Json* v = Find(obj, key);
  if (!v) return Status::OK();
  std::string p = Join(path, key);
  if (!v->is_object()) return PathError(p, "expected an object of strings");
  out->clear();
  for (const auto& [k, item] : v->items()) {
    if (!item.is_string()) return PathError(Join(p, k), "expected a string");
    (*out)[k] = item.get<std::string>();
  }
  return Status::OK();
}

Status OptObject(const Json& obj, std::string_view key, std::string_view path, Json* out) {
  const Json* v = Find(obj, key);
  if (!v) {
    *out = nullptr;
    return Status::OK();
  }
  if (!v->is_object()) return PathError(Join(path, key), "expected an object");
  *out = *v;
  return Status::OK();
}

Status ToValue(const Json& j, Value* out) { return ParseJson(CanonicalJson(j), out, "json"); }

Json FromValue(const Value& v) {
  if (v.is_undefined()) return nullptr;
  // ToJson writes valid JSON; a failure would be a bug in the value model.
  return Json::parse(ToJson(v), nullptr, /*allow_exceptions=*/false);
}

std::string CanonicalJson(const Json& j) {
  // nlohmann's default object type is a std::map: keys come out sorted.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

Json MergePatch(Json target, const Json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = Json::object();
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null()) {
      target.erase(k);
    } else {
      target[k] = MergePatch(target.contains(k) ? target[k] : Json(nullptr), v);
    }
  }
  return target;
}

}  // namespace fedra::policy::internal
