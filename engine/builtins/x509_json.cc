// Certificates, certificate requests and keys as the JSON objects OPA returns.
//
// OPA turns Go's crypto/x509 structs into Rego values through encoding/json,
// so the shapes here follow Go's field names and JSON conventions: []byte is
// base64, a nil slice is null, *big.Int is a number, time.Time is RFC 3339,
// enums are Go's integer constants, OIDs are arrays of integers.
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "builtins/crypto_internal.h"
#include "value/number.h"

namespace fedra::builtins::crypto {
namespace {

// DER of an OpenSSL object through its i2d function.
template <typename T, typename F>
std::string Der(F fn, T* obj) {
  if (obj == nullptr) return std::string();
  int len = fn(obj, nullptr);
  if (len <= 0) return std::string();
  std::string out(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  fn(obj, &p);
  return out;
}

std::string AsnString(const ASN1_STRING* s) {
  if (s == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[256];
  int n = OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) return std::string();
  return std::string(buf, static_cast<size_t>(n));
}

// asn1.ObjectIdentifier: the arcs as numbers.
Value OidValue(const ASN1_OBJECT* obj) {
  std::string text = OidText(obj);
  std::vector<Value> arcs;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t dot = text.find('.', start);
    std::string_view arc = std::string_view(text).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    Value v;
    if (num::Parse(arc, &v)) arcs.push_back(v);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return Value::Array(std::move(arcs));
}

std::string Utf8(const ASN1_STRING* s) {
  unsigned char* buf = nullptr;
  int n = ASN1_STRING_to_UTF8(&buf, s);
  if (n < 0) return AsnString(s);
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

// pkix.Name.
Value NameValue(const X509_NAME* name) {
  std::vector<std::string> country, org, ou, locality, province, street, postal;
  std::string serial, cn;
  std::vector<Value> names;
  int count = name == nullptr ? 0 : X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    std::string value = Utf8(X509_NAME_ENTRY_get_data(e));
    names.push_back(ObjectBuilder().Add("Type", OidValue(obj)).Add("Value", Value::String(value)).Build());
    switch (OBJ_obj2nid(obj)) {
      case NID_countryName: country.push_back(value); break;
      case NID_organizationName: org.push_back(value); break;
      case NID_organizationalUnitName: ou.push_back(value); break;
      case NID_localityName: locality.push_back(value); break;
      case NID_stateOrProvinceName: province.push_back(value); break;
      case NID_streetAddress: street.push_back(value); break;
      case NID_postalCode: postal.push_back(value); break;
      case NID_serialNumber: serial = value; break;
      case NID_commonName: cn = value; break;
      default: break;
    }
  }
  return ObjectBuilder()
      .Add("Country", StringsOrNull(country))
      .Add("Organization", StringsOrNull(org))
      .Add("OrganizationalUnit", StringsOrNull(ou))
      .Add("Locality", StringsOrNull(locality))
      .Add("Province", StringsOrNull(province))
      .Add("StreetAddress", StringsOrNull(street))
      .Add("PostalCode", StringsOrNull(postal))
      .Add("SerialNumber", Value::String(serial))
      .Add("CommonName", Value::String(cn))
      .Add("Names", names.empty() ? Value::Null() : Value::Array(std::move(names)))
      .Add("ExtraNames", Value::Null())
      .Build();
}

Value TimeValue(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return Value::String("0001-01-01T00:00:00Z");
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Value::String(buf);
}

// net.IP's String().
std::string IpString(std::string_view ip) {
  auto b = [&](size_t i) { return static_cast<unsigned>(static_cast<uint8_t>(ip[i])); };
  char buf[64];
  if (ip.size() == 4) {
    std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b(0), b(1), b(2), b(3));
    return buf;
  }
  if (ip.size() != 16) return "?" + HexEncode(ip);
  bool v4_mapped = true;
  for (size_t i = 0; i < 10; ++i) v4_mapped = v4_mapped && b(i) == 0;
  if (v4_mapped && b(10) == 0xff && b(11) == 0xff) {
    std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b(12), b(13), b(14), b(15));
    return buf;
  }
  unsigned groups[8];
  for (size_t i = 0; i < 8; ++i) groups[i] = (b(2 * i) << 8) | b(2 * i + 1);
  // The longest run of two or more zero groups becomes "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof(buf), "%x", groups[i]);
    out += buf;
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// A url.URL as Go's JSON writes it, for the URIs field. The parse is the
// common subset of RFC 3986 that certificate URIs use.
Value UrlValue(std::string_view uri) {
  std::string scheme, opaque, host, path, query, fragment;
  bool has_user = false;
  std::string_view rest = uri;
  if (size_t h = rest.find('#'); h != std::string_view::npos) {
    fragment = PercentDecode(rest.substr(h + 1));
    rest = rest.substr(0, h);
  }
  size_t colon = rest.find(':');
  if (colon != std::string_view::npos && colon > 0 && rest.substr(0, colon).find('/') == std::string_view::npos) {
    scheme = std::string(rest.substr(0, colon));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = rest.substr(colon + 1);
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!scheme.empty() && !rest.starts_with("/")) {
    opaque = std::string(rest);
  } else {
    if (rest.starts_with("//")) {
      rest.remove_prefix(2);
      size_t slash = rest.find('/');
      std::string_view authority = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
        has_user = true;
        authority = authority.substr(at + 1);
      }
      host = std::string(authority);
    }
    path = PercentDecode(rest);
  }
  return ObjectBuilder()
      .Add("Scheme", Value::String(scheme))
      .Add("Opaque", Value::String(opaque))
      .Add("User", has_user ? Value::EmptyObject() : Value::Null())
      .Add("Host", Value::String(host))
      .Add("Path", Value::String(path))
      .Add("RawPath", Value::String(""))
      .Add("OmitHost", Value::Bool(false))
      .Add("ForceQuery", Value::Bool(false))
      .Add("RawQuery", Value::String(query))
      .Add("Fragment", Value::String(fragment))
      .Add("RawFragment", Value::String(""))
      .Build();
}

struct AltNames {
  std::vector<std::string> dns, email, ip, uri;
};

void CollectGeneralNames(const GENERAL_NAMES* names, AltNames* out) {
  int n = names == nullptr ? 0 : sk_GENERAL_NAME_num(names);
  for (int i = 0; i < n; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS: out->dns.push_back(AsnString(g->d.dNSName)); break;
      case GEN_EMAIL: out->email.push_back(AsnString(g->d.rfc822Name)); break;
      case GEN_URI: out->uri.push_back(AsnString(g->d.uniformResourceIdentifier)); break;
      case GEN_IPADD: out->ip.push_back(IpString(AsnString(g->d.iPAddress))); break;
      default: break;
    }
  }
}

Value IpsOrNull(const std::vector<std::string>& ips) { return StringsOrNull(ips); }

Value UrisOrNull(const std::vector<std::string>& uris) {
  if (uris.empty()) return Value::Null();
  std::vector<Value> vs;
  for (const auto& u : uris) vs.push_back(UrlValue(u));
  return Value::Array(std::move(vs));
}

Value ExtensionsValue(const STACK_OF(X509_EXTENSION)* exts) {
  int n = exts == nullptr ? 0 : sk_X509_EXTENSION_num(exts);
  if (n == 0) return Value::Null();
  std::vector<Value> out;
  for (int i = 0; i < n; ++i) {
    X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
    out.push_back(ObjectBuilder()
                      .Add("Id", OidValue(X509_EXTENSION_get_object(e)))
                      .Add("Critical", Value::Bool(X509_EXTENSION_get_critical(e) > 0))
                      .Add("Value", BytesValue(AsnString(X509_EXTENSION_get_data(e))))
                      .Build());
  }
  return Value::Array(std::move(out));
}

// Go's x509.SignatureAlgorithm constants.
int SignatureAlgorithm(int md, int pk) {
  switch (pk) {
    case NID_rsaEncryption:
      switch (md) {
        case NID_md2: return 1;
        case NID_md5: return 2;
        case NID_sha1: return 3;
        case NID_sha256: return 4;
        case NID_sha384: return 5;
        case NID_sha512: return 6;
        default: return 0;
      }
    case NID_dsa:
      return md == NID_sha1 ? 7 : md == NID_sha256 ? 8 : 0;
    case NID_X9_62_id_ecPublicKey:
      switch (md) {
        case NID_sha1: return 9;
        case NID_sha256: return 10;
        case NID_sha384: return 11;
        case NID_sha512: return 12;
        default: return 0;
      }
    case NID_rsassaPss:
      return md == NID_sha256 ? 13 : md == NID_sha384 ? 14 : md == NID_sha512 ? 15 : 0;
    case NID_ED25519:
      return 16;
    default:
      return 0;
  }
}

// Go's x509.PublicKeyAlgorithm constants.
int PublicKeyAlgorithm(EVP_PKEY* key) {
  if (key == nullptr) return 0;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return 1;
    case EVP_PKEY_DSA: return 2;
    case EVP_PKEY_EC: return 3;
    case EVP_PKEY_ED25519: return 4;
    default: return 0;
  }
}

// Go's x509.ExtKeyUsage constants by OID.
int ExtKeyUsageCode(const std::string& oid) {
  static const struct {
    const char* oid;
    int code;
  } kTable[] = {
      {"2.5.29.37.0", 0},           {"1.3.6.1.5.5.7.3.1", 1},      {"1.3.6.1.5.5.7.3.2", 2},
      {"1.3.6.1.5.5.7.3.3", 3},     {"1.3.6.1.5.5.7.3.4", 4},      {"1.3.6.1.5.5.7.3.5", 5},
      {"1.3.6.1.5.5.7.3.6", 6},     {"1.3.6.1.5.5.7.3.7", 7},      {"1.3.6.1.5.5.7.3.8", 8},
      {"1.3.6.1.5.5.7.3.9", 9},     {"1.3.6.1.4.1.311.10.3.3", 10}, {"2.16.840.1.113730.4.1", 11},
      {"1.3.6.1.4.1.311.2.1.22", 12}, {"1.3.6.1.4.1.311.61.1.1", 13},
  };
  for (const auto& e : kTable) {
    if (oid == e.oid) return e.code;
  }
  return -1;
}

BnPtr GetBn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return nullptr;
  return BnPtr(bn);
}

Value BnParam(EVP_PKEY* key, const char* name) {
  BnPtr bn = GetBn(key, name);
  return BignumValue(bn.get());
}

// Extensions crypto/x509 interprets; a critical extension outside this list
// is reported in UnhandledCriticalExtensions.
bool GoHandlesExtension(int nid) {
  switch (nid) {
    case NID_key_usage:
    case NID_basic_constraints:
    case NID_subject_alt_name:
    case NID_name_constraints:
    case NID_crl_distribution_points:
    case NID_authority_key_identifier:
    case NID_ext_key_usage:
    case NID_subject_key_identifier:
    case NID_certificate_policies:
    case NID_info_access:
    case NID_policy_constraints:
    case NID_inhibit_any_policy:
    case NID_policy_mappings:
      return true;
    default:
      return false;
  }
}

struct NameConstraintLists {
  bool critical = false;
  std::vector<std::string> dns[2], email[2], uri[2];
  std::vector<Value> ip[2];
};

void CollectSubtrees(const STACK_OF(GENERAL_SUBTREE)* trees, int which, NameConstraintLists* out) {
  int n = trees == nullptr ? 0 : sk_GENERAL_SUBTREE_num(trees);
  for (int i = 0; i < n; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_SUBTREE_value(trees, i)->base;
    switch (g->type) {
      case GEN_DNS: out->dns[which].push_back(AsnString(g->d.dNSName)); break;
      case GEN_EMAIL: out->email[which].push_back(AsnString(g->d.rfc822Name)); break;
      case GEN_URI: out->uri[which].push_back(AsnString(g->d.uniformResourceIdentifier)); break;
      case GEN_IPADD: {
        std::string raw = AsnString(g->d.iPAddress);
        size_t half = raw.size() / 2;
        out->ip[which].push_back(ObjectBuilder()
                                     .Add("IP", Value::String(IpString(raw.substr(0, half))))
                                     .Add("Mask", BytesValue(raw.substr(half)))
                                     .Build());
        break;
      }
      default: break;
    }
  }
}

}  // namespace

void CertExtKeyUsages(X509* cert, std::vector<int>* known, int* unknown) {
  known->clear();
  *unknown = 0;
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku); ++i) {
    int code = ExtKeyUsageCode(OidText(sk_ASN1_OBJECT_value(eku, i)));
    if (code >= 0) {
      known->push_back(code);
    } else {
      ++*unknown;
    }
  }
  if (eku != nullptr) sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

Value PublicKeyValue(EVP_PKEY* key) {
  if (key == nullptr) return Value::Null();
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return ObjectBuilder()
          .Add("N", BnParam(key, OSSL_PKEY_PARAM_RSA_N))
          .Add("E", BnParam(key, OSSL_PKEY_PARAM_RSA_E))
          .Build();
    case EVP_PKEY_EC:
      return ObjectBuilder()
          .Add("Curve", Value::EmptyObject())
          .Add("X", BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X))
          .Add("Y", BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y))
          .Build();
    case EVP_PKEY_DSA:
      return ObjectBuilder()
          .Add("Parameters", ObjectBuilder()
                                 .Add("P", BnParam(key, OSSL_PKEY_PARAM_FFC_P))
                                 .Add("Q", BnParam(key, OSSL_PKEY_PARAM_FFC_Q))
                                 .Add("G", BnParam(key, OSSL_PKEY_PARAM_FFC_G))
                                 .Build())
          .Add("Y", BnParam(key, OSSL_PKEY_PARAM_PUB_KEY))
          .Build();
    case EVP_PKEY_ED25519: {
      unsigned char buf[64];
      size_t len = sizeof(buf);
      if (EVP_PKEY_get_raw_public_key(key, buf, &len) != 1) return Value::Null();
      return BytesValue(std::string_view(reinterpret_cast<char*>(buf), len));
    }
    default:
      return Value::Null();
  }
}

Value PrivateKeyValue(EVP_PKEY* key) {
  if (key == nullptr) return Value::Null();
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      std::vector<Value> primes = {BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1),
                                   BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2)};
      return ObjectBuilder()
          .Add("N", BnParam(key, OSSL_PKEY_PARAM_RSA_N))
          .Add("E", BnParam(key, OSSL_PKEY_PARAM_RSA_E))
          .Add("D", BnParam(key, OSSL_PKEY_PARAM_RSA_D))
          .Add("Primes", Value::Array(std::move(primes)))
          .Add("Precomputed", ObjectBuilder()
                                  .Add("Dp", BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1))
                                  .Add("Dq", BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2))
                                  .Add("Qinv", BnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1))
                                  .Add("CRTValues", Value::EmptyArray())
                                  .Build())
          .Build();
    }
    case EVP_PKEY_EC:
      return ObjectBuilder()
          .Add("Curve", Value::EmptyObject())
          .Add("X", BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X))
          .Add("Y", BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y))
          .Add("D", BnParam(key, OSSL_PKEY_PARAM_PRIV_KEY))
          .Build();
    case EVP_PKEY_ED25519: {
      // Go's ed25519.PrivateKey is the seed followed by the public key.
      unsigned char priv[32], pub[32];
      size_t plen = sizeof(priv), qlen = sizeof(pub);
      if (EVP_PKEY_get_raw_private_key(key, priv, &plen) != 1 ||
          EVP_PKEY_get_raw_public_key(key, pub, &qlen) != 1) {
        return Value::Null();
      }
      std::string both(reinterpret_cast<char*>(priv), plen);
      both.append(reinterpret_cast<char*>(pub), qlen);
      return BytesValue(both);
    }
    default:
      return Value::Null();
  }
}

Value CertificateValue(X509* cert, bool uri_strings) {
  ObjectBuilder b;
  b.Add("Raw", BytesValue(Der(i2d_X509, cert)));
  b.Add("RawTBSCertificate", BytesValue(Der(i2d_re_X509_tbs, cert)));
  b.Add("RawSubjectPublicKeyInfo", BytesValue(Der(i2d_X509_PUBKEY, X509_get_X509_PUBKEY(cert))));
  b.Add("RawSubject", BytesValue(Der(i2d_X509_NAME, X509_get_subject_name(cert))));
  b.Add("RawIssuer", BytesValue(Der(i2d_X509_NAME, X509_get_issuer_name(cert))));

  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* sig_alg = nullptr;
  X509_get0_signature(&sig, &sig_alg, cert);
  b.Add("Signature", BytesValue(AsnString(sig)));
  int md = NID_undef, pk = NID_undef;
  if (X509_get_signature_info(cert, &md, &pk, nullptr, nullptr) != 1) {
    OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk);
  }
  b.Add("SignatureAlgorithm", Value::Int(SignatureAlgorithm(md, pk)));

  EVP_PKEY* pub = X509_get0_pubkey(cert);
  b.Add("PublicKeyAlgorithm", Value::Int(PublicKeyAlgorithm(pub)));
  b.Add("PublicKey", PublicKeyValue(pub));
  b.Add("Version", Value::Int(X509_get_version(cert) + 1));
  {
    BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    b.Add("SerialNumber", BignumValue(serial.get()));
  }
  b.Add("Issuer", NameValue(X509_get_issuer_name(cert)));
  b.Add("Subject", NameValue(X509_get_subject_name(cert)));
  b.Add("NotBefore", TimeValue(X509_get0_notBefore(cert)));
  b.Add("NotAfter", TimeValue(X509_get0_notAfter(cert)));

  // crypto/x509 numbers key usage bits from the first bit of the BIT STRING;
  // OpenSSL keeps the first byte in the low byte of its mask, MSB first.
  int64_t usage = 0;
  uint32_t ossl_usage = X509_get_key_usage(cert);
  if (ossl_usage != UINT32_MAX) {
    for (int i = 0; i < 9; ++i) {
      int shift = 8 * (i / 8) + 7 - (i % 8);
      if ((ossl_usage >> shift) & 1u) usage |= int64_t{1} << i;
    }
  }
  b.Add("KeyUsage", Value::Int(usage));

  const STACK_OF(X509_EXTENSION)* exts = X509_get0_extensions(cert);
  b.Add("Extensions", ExtensionsValue(exts));
  b.Add("ExtraExtensions", Value::Null());
  {
    std::vector<Value> unhandled;
    int n = exts == nullptr ? 0 : sk_X509_EXTENSION_num(exts);
    for (int i = 0; i < n; ++i) {
      X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
      if (X509_EXTENSION_get_critical(e) > 0 && !GoHandlesExtension(OBJ_obj2nid(X509_EXTENSION_get_object(e)))) {
        unhandled.push_back(OidValue(X509_EXTENSION_get_object(e)));
      }
    }
    b.Add("UnhandledCriticalExtensions", unhandled.empty() ? Value::Null() : Value::Array(std::move(unhandled)));
  }

  {
    std::vector<Value> known, unknown;
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku); ++i) {
      const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku, i);
      int code = ExtKeyUsageCode(OidText(obj));
      if (code >= 0) {
        known.push_back(Value::Int(code));
      } else {
        unknown.push_back(OidValue(obj));
      }
    }
    if (eku != nullptr) sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    b.Add("ExtKeyUsage", known.empty() ? Value::Null() : Value::Array(std::move(known)));
    b.Add("UnknownExtKeyUsage", unknown.empty() ? Value::Null() : Value::Array(std::move(unknown)));
  }

  {
    auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr));
    int64_t max_path = 0;
    if (bc != nullptr) {
      max_path = -1;
      int64_t v = 0;
      if (bc->pathlen != nullptr && ASN1_INTEGER_get_int64(&v, bc->pathlen) == 1) max_path = v;
    }
    b.Add("BasicConstraintsValid", Value::Bool(bc != nullptr));
    b.Add("IsCA", Value::Bool(bc != nullptr && bc->ca));
    b.Add("MaxPathLen", Value::Int(max_path));
    b.Add("MaxPathLenZero", Value::Bool(bc != nullptr && max_path == 0));
    BASIC_CONSTRAINTS_free(bc);
  }

  b.Add("SubjectKeyId", BytesValue(AsnString(X509_get0_subject_key_id(cert)), true));
  b.Add("AuthorityKeyId", BytesValue(AsnString(X509_get0_authority_key_id(cert)), true));

  {
    std::vector<std::string> ocsp, issuers;
    auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr));
    for (int i = 0; aia != nullptr && i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
      const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
      if (ad->location->type != GEN_URI) continue;
      std::string uri = AsnString(ad->location->d.uniformResourceIdentifier);
      int nid = OBJ_obj2nid(ad->method);
      if (nid == NID_ad_OCSP) ocsp.push_back(uri);
      if (nid == NID_ad_ca_issuers) issuers.push_back(uri);
    }
    AUTHORITY_INFO_ACCESS_free(aia);
    b.Add("OCSPServer", StringsOrNull(ocsp));
    b.Add("IssuingCertificateURL", StringsOrNull(issuers));
  }

  AltNames alt;
  {
    auto* san = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    CollectGeneralNames(san, &alt);
    GENERAL_NAMES_free(san);
  }
  b.Add("DNSNames", StringsOrNull(alt.dns));
  b.Add("EmailAddresses", StringsOrNull(alt.email));
  b.Add("IPAddresses", IpsOrNull(alt.ip));
  b.Add("URIs", UrisOrNull(alt.uri));
  if (uri_strings) b.Add("URIStrings", StringsOrNull(alt.uri));

  {
    NameConstraintLists nc;
    int crit = 0;
    auto* ncs = static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_name_constraints, &crit, nullptr));
    if (ncs != nullptr) {
      nc.critical = crit > 0;
      CollectSubtrees(ncs->permittedSubtrees, 0, &nc);
      CollectSubtrees(ncs->excludedSubtrees, 1, &nc);
      NAME_CONSTRAINTS_free(ncs);
    }
    auto ips = [](std::vector<Value>& v) { return v.empty() ? Value::Null() : Value::Array(std::move(v)); };
    b.Add("PermittedDNSDomainsCritical", Value::Bool(nc.critical));
    b.Add("PermittedDNSDomains", StringsOrNull(nc.dns[0]));
    b.Add("ExcludedDNSDomains", StringsOrNull(nc.dns[1]));
    b.Add("PermittedIPRanges", ips(nc.ip[0]));
    b.Add("ExcludedIPRanges", ips(nc.ip[1]));
    b.Add("PermittedEmailAddresses", StringsOrNull(nc.email[0]));
    b.Add("ExcludedEmailAddresses", StringsOrNull(nc.email[1]));
    b.Add("PermittedURIDomains", StringsOrNull(nc.uri[0]));
    b.Add("ExcludedURIDomains", StringsOrNull(nc.uri[1]));
  }

  {
    std::vector<std::string> crls;
    auto* dps = static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr));
    for (int i = 0; dps != nullptr && i < sk_DIST_POINT_num(dps); ++i) {
      const DIST_POINT* dp = sk_DIST_POINT_value(dps, i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      AltNames names;
      CollectGeneralNames(dp->distpoint->name.fullname, &names);
      crls.insert(crls.end(), names.uri.begin(), names.uri.end());
    }
    CRL_DIST_POINTS_free(dps);
    b.Add("CRLDistributionPoints", StringsOrNull(crls));
  }

  {
    std::vector<Value> ids;
    std::vector<std::string> dotted;
    auto* pols = static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
    for (int i = 0; pols != nullptr && i < sk_POLICYINFO_num(pols); ++i) {
      const POLICYINFO* pi = sk_POLICYINFO_value(pols, i);
      ids.push_back(OidValue(pi->policyid));
      dotted.push_back(OidText(pi->policyid));
    }
    CERTIFICATEPOLICIES_free(pols);
    b.Add("PolicyIdentifiers", ids.empty() ? Value::Null() : Value::Array(std::move(ids)));
    b.Add("Policies", StringsOrNull(dotted));
  }
  b.Add("InhibitAnyPolicy", Value::Int(0));
  b.Add("InhibitAnyPolicyZero", Value::Bool(false));
  b.Add("InhibitPolicyMapping", Value::Int(0));
  b.Add("InhibitPolicyMappingZero", Value::Bool(false));
  b.Add("RequireExplicitPolicy", Value::Int(0));
  b.Add("RequireExplicitPolicyZero", Value::Bool(false));
  b.Add("PolicyMappings", Value::Null());
  return b.Build();
}

Value CertificateRequestValue(X509_REQ* req) {
  ObjectBuilder b;
  b.Add("Raw", BytesValue(Der(i2d_X509_REQ, req)));
  b.Add("RawTBSCertificateRequest", BytesValue(Der(i2d_re_X509_REQ_tbs, req)));
  b.Add("RawSubjectPublicKeyInfo", BytesValue(Der(i2d_X509_PUBKEY, X509_REQ_get_X509_PUBKEY(req))));
  b.Add("RawSubject", BytesValue(Der(i2d_X509_NAME, X509_REQ_get_subject_name(req))));
  b.Add("Version", Value::Int(X509_REQ_get_version(req)));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_REQ_get0_signature(req, &sig, &alg);
  b.Add("Signature", BytesValue(AsnString(sig)));
  int md = NID_undef, pk = NID_undef;
  OBJ_find_sigid_algs(X509_REQ_get_signature_nid(req), &md, &pk);
  b.Add("SignatureAlgorithm", Value::Int(SignatureAlgorithm(md, pk)));
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
  b.Add("PublicKeyAlgorithm", Value::Int(PublicKeyAlgorithm(pub)));
  b.Add("PublicKey", PublicKeyValue(pub));
  b.Add("Subject", NameValue(X509_REQ_get_subject_name(req)));
  b.Add("Attributes", Value::Null());

  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
  b.Add("Extensions", ExtensionsValue(exts));
  b.Add("ExtraExtensions", Value::Null());
  AltNames alt;
  int idx = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
  if (idx >= 0) {
    auto* san = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts, idx)));
    CollectGeneralNames(san, &alt);
    GENERAL_NAMES_free(san);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  b.Add("DNSNames", StringsOrNull(alt.dns));
  b.Add("EmailAddresses", StringsOrNull(alt.email));
  b.Add("IPAddresses", IpsOrNull(alt.ip));
  b.Add("URIs", UrisOrNull(alt.uri));
  return b.Build();
}

}  // namespace fedra::builtins::crypto
