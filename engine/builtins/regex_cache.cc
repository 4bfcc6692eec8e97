#include "builtins/regex_cache.h"

#include <mutex>
#include <unordered_map>

namespace fedra::builtins {

namespace {

// Go's regexp/syntax error code strings for RE2's error codes.
std::string_view GoErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

class Cache {
 public:
  std::shared_ptr<const RE2> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : it->second;
  }
  void Put(const std::string& key, std::shared_ptr<const RE2> re) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kMaxCachedRegexes) map_.erase(map_.begin());
    map_.emplace(key, std::move(re));
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const RE2>> map_;  // guarded by mu_
};

Cache& GlobalCache() {
  static Cache* cache = new Cache();
  return *cache;
}

}  // namespace

std::shared_ptr<const RE2> CompileRegex(std::string_view pattern, std::string* error,
                                        std::string_view cache_key) {
  std::string key(cache_key.empty() ? pattern : cache_key);
  if (!cache_key.empty()) key.insert(0, 1, '\x01');  // keep glob keys apart from patterns
  if (auto hit = GlobalCache().Get(key)) return hit;
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  opts.set_max_mem(64 << 20);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    *error = "error parsing regexp: ";
    *error += GoErrorCode(re->error_code());
    *error += ": `";
    *error += re->error_arg();
    *error += "`";
    return nullptr;
  }
  GlobalCache().Put(key, re);
  return re;
}

std::string GoQuoteMeta(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    switch (c) {
      case '\\': case '.': case '+': case '*': case '?': case '(': case ')': case '|':
      case '[': case ']': case '{': case '}': case '^': case '$':
        out.push_back('\\');
        break;
      default:
        break;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace fedra::builtins
