// io.jwt.encode_sign and io.jwt.encode_sign_raw.
//
// encode_sign serialises its three objects the way Go's json.Marshal does
// (sorted keys, HTML-safe escapes) and then shares the raw path. The header
// text is used verbatim in the token; only "alg" and "typ" are read from it,
// with the tolerance of the fastjson parser OPA's JWS library uses (for
// example "e" parses as a number, so its "alg" is simply missing). A payload
// must be JSON unless the header declares a "typ" other than "JWT".
#include <string>
#include <vector>

#include "builtins/crypto_internal.h"
#include "value/json.h"

namespace fedra::builtins::crypto {
namespace {

// Looks up a string member of the JSON header. Errors carry the wording of
// OPA's messages ("cannot parse JSON: ...", `jwsbb: header "alg" not found`).
Status HeaderString(std::string_view text, std::string_view key, std::string* out) {
  std::string_view trimmed = text;
  auto blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; };
  while (!trimmed.empty() && blank(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && blank(trimmed.back())) trimmed.remove_suffix(1);
  if (trimmed.empty()) return Status::BuiltinError("cannot parse JSON: cannot parse empty string; unparsed tail: \"\"");
  Value doc;
  Status st = ParseJson(text, &doc, "header");
  if (!st.ok()) {
    // fastjson reads any run of number characters as a (lazily checked)
    // number, so such headers parse and simply lack every member.
    bool number_like = true;
    for (char ch : trimmed) {
      bool ok = (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E';
      number_like = number_like && ok;
    }
    if (!number_like) return Status::BuiltinError("cannot parse JSON: " + std::string(st.message()));
  }
  const Value* v = doc.is_object() ? doc.Find(key) : nullptr;
  if (v == nullptr) return Status::BuiltinError("jwsbb: header \"" + std::string(key) + "\" not found");
  if (!v->is_string()) return Status::BuiltinError("jwsbb: header \"" + std::string(key) + "\" is not a string");
  *out = std::string(v->str());
  return Status::OK();
}

Status EncodeSign(std::string_view header, std::string_view payload, std::string_view jwk, Value* out) {
  std::vector<JwkKey> keys;
  FEDRA_RETURN_IF_ERROR(ParseJwkSet(jwk, &keys));
  if (keys.empty()) return Status::BuiltinError("no keys found in JWK set");
  std::string alg;
  Status st = HeaderString(header, "alg", &alg);
  if (!st.ok()) return Status::BuiltinError("missing or invalid 'alg' header: " + std::string(st.message()));
  if (!IsTokenAlgorithm(alg)) return Status::BuiltinError("unknown JWS algorithm: " + alg);
  std::string typ;
  Status typ_st = HeaderString(header, "typ", &typ);
  if ((!typ_st.ok() || typ == "JWT") && !JsonValid(payload)) {
    return Status::BuiltinError("type is JWT but payload is not JSON");
  }
  std::string input = Base64Encode(header, B64::kUrl, false) + "." + Base64Encode(payload, B64::kUrl, false);
  std::string sig;
  FEDRA_RETURN_IF_ERROR(SignJws(keys[0], alg, input, &sig));
  *out = Value::String(input + "." + Base64Encode(sig, B64::kUrl, false));
  return Status::OK();
}

Status EncodeSignObjects(Context&, std::span<const Value> args, Value* out) {
  return EncodeSign(GoJson(args[0]), GoJson(args[1]), GoJson(args[2]), out);
}

Status EncodeSignRaw(Context&, std::span<const Value> args, Value* out) {
  // OPA checks the key operand first.
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 2));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  return EncodeSign(args[0].str(), args[1].str(), args[2].str(), out);
}

}  // namespace

void RegisterJwtSign(Registry& r) {
  r.Add("io.jwt.encode_sign", 3, EncodeSignObjects);
  r.Add("io.jwt.encode_sign_raw", 3, EncodeSignRaw);
}

}  // namespace fedra::builtins::crypto
