// Helpers shared by the bundle tests: temporary directories, files, shell
// commands, hand-made tar headers (for entries no honest writer produces)
// and OpenSSL keys.
#ifndef FEDRA_BUNDLE_BUNDLE_TEST_UTIL_H_
#define FEDRA_BUNDLE_BUNDLE_TEST_UTIL_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fedra::bundle::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fedra-bundle-test-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    if (p == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void WriteFileAt(const std::string& path, const std::string& contents) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f << contents;
}

inline std::string ReadFileAt(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `cmd` with /bin/sh; returns its exit status.
inline int Shell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A raw 512-byte ustar header with any name and type flag, checksum right.
inline std::string RawHeader(const std::string& name, char type, size_t size,
                             const std::string& linkname = "") {
  std::string h(512, '\0');
  std::memcpy(h.data(), name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(h.data() + 100, 8, "%07o", 0644);
  std::snprintf(h.data() + 108, 8, "%07o", 0);
  std::snprintf(h.data() + 116, 8, "%07o", 0);
  std::snprintf(h.data() + 124, 12, "%011zo", size);
  std::snprintf(h.data() + 136, 12, "%011o", 0);
  h[156] = type;
  std::memcpy(h.data() + 157, linkname.data(), std::min<size_t>(linkname.size(), 100));
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  h[155] = ' ';
  return h;
}

inline std::string Padded(const std::string& data) {
  return data + std::string((512 - data.size() % 512) % 512, '\0');
}

inline std::string TarEnd() { return std::string(1024, '\0'); }

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A fresh key pair as PEM: private (PKCS#8) and public (SPKI).
inline void MakeKeyPair(bool ec, std::string* private_pem, std::string* public_pem) {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048));
  if (!key) throw std::runtime_error("key generation failed");
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  *private_pem = to_string(priv);
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key.get());
  *public_pem = to_string(pub);
}

}  // namespace fedra::bundle::testing

#endif  // FEDRA_BUNDLE_BUNDLE_TEST_UTIL_H_
