#include "builtins/glob.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "builtins/operands.h"
#include "builtins/regex_cache.h"
#include "builtins/text_util.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;

constexpr int kMaxTermsDepth = 64;

std::vector<char32_t> Runes(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    out.push_back(text::DecodeRune(s, i, &w));
    i += w;
  }
  return out;
}

void AppendEscapedRune(char32_t r, std::string* re) {
  if (r < 0x80 && std::isalnum(static_cast<int>(r))) {
    re->push_back(static_cast<char>(r));
    return;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x{%X}", static_cast<unsigned>(r));
  re->append(buf);
}

constexpr char kNever[] = "[^\\x{0}-\\x{10FFFF}]";

// ---- gobwas glob -> RE2 ----------------------------------------------------------

class GlobTranslator {
 public:
  GlobTranslator(std::string_view glob, const std::vector<char32_t>& delims)
      : r_(Runes(glob)), delims_(delims) {}

  Status Run(std::string* out) {
    std::string not_delim;
    if (delims_.empty()) {
      any_ = "(?s:.)";
    } else {
      any_ = "[^";
      for (char32_t d : delims_) AppendEscapedRune(d, &any_);
      any_ += "]";
    }
    std::string re = "(?s)^(?:";
    int depth = 0;
    while (i_ < r_.size()) {
      char32_t c = r_[i_++];
      if (c == '\\') {
        if (i_ < r_.size()) AppendEscapedRune(r_[i_++], &re);
      } else if (c == '*') {
        if (i_ < r_.size() && r_[i_] == '*') {
          ++i_;
          re += "(?s:.)*";
        } else {
          re += any_ + "*";
        }
      } else if (c == '?') {
        re += any_;
      } else if (c == '[') {
        FEDRA_RETURN_IF_ERROR(Range(&re));
      } else if (c == '{') {
        if (++depth > kMaxTermsDepth) return Status::BuiltinError("glob: alternatives nested too deeply");
        re += "(?:";
      } else if (c == ',' && depth > 0) {
        re += "|";
      } else if (c == '}' && depth > 0) {
        --depth;
        re += ")";
      } else {
        AppendEscapedRune(c, &re);
      }
    }
    if (depth > 0) return Status::BuiltinError("unexpected end of input");
    re += ")$";
    *out = std::move(re);
    return Status::OK();
  }

 private:
  Status Range(std::string* re) {
    bool negated = false;
    if (i_ < r_.size() && r_[i_] == '!') {
      negated = true;
      ++i_;
    }
    if (i_ >= r_.size()) return Status::BuiltinError("unexpected end of input");
    if (i_ + 1 < r_.size() && r_[i_ + 1] == '-') {
      char32_t lo = r_[i_];
      i_ += 2;
      if (i_ >= r_.size()) return Status::BuiltinError("unexpected end of input");
      char32_t hi = r_[i_++];
      if (i_ >= r_.size() || r_[i_] != ']') return Status::BuiltinError("expected close range character");
      ++i_;
      if (lo > hi) {
        *re += negated ? "(?s:.)" : kNever;
        return Status::OK();
      }
      *re += negated ? "[^" : "[";
      AppendEscapedRune(lo, re);
      *re += "-";
      AppendEscapedRune(hi, re);
      *re += "]";
      return Status::OK();
    }
    std::vector<char32_t> list;
    bool escaped = false;
    for (; i_ < r_.size(); ++i_) {
      char32_t c = r_[i_];
      if (!escaped && c == '\\') {
        escaped = true;
        continue;
      }
      if (!escaped && c == ']') break;
      escaped = false;
      list.push_back(c);
    }
    if (i_ >= r_.size()) return Status::BuiltinError("unexpected end of input");
    ++i_;  // ']'
    if (list.empty()) {
      *re += negated ? "(?s:.)" : kNever;
      return Status::OK();
    }
    *re += negated ? "[^" : "[";
    for (char32_t c : list) AppendEscapedRune(c, re);
    *re += "]";
    return Status::OK();
  }

  std::vector<char32_t> r_;
  const std::vector<char32_t>& delims_;
  size_t i_ = 0;
  std::string any_;
};

Status GlobMatch(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::vector<char32_t> delims;
  const Value& d = args[1];
  if (d.is_array()) {
    for (const Value& e : d.array()) {
      if (!e.is_string()) return OperandElementError(2, d, e, "string");
      std::vector<char32_t> rs = Runes(e.str());
      if (rs.size() != 1) return OperandElementError(2, d, e, "rune");
      delims.push_back(rs[0]);
    }
    if (delims.empty()) delims.push_back('.');
  } else if (!d.is_null()) {
    return OperandTypeError(2, d, "one of {array, null}");
  }
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 2));
  std::string key(args[0].str());
  key.push_back('\0');
  for (char32_t c : delims) text::AppendRune(c, &key);
  std::string err;
  std::shared_ptr<const RE2> re;
  std::string regex;
  FEDRA_RETURN_IF_ERROR(GlobToRegex(args[0].str(), delims, &regex));
  re = CompileRegex(regex, &err, key);
  if (re == nullptr) return Status::BuiltinError(err);
  std::string_view s = args[2].str();
  *out = Value::Bool(RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re));
  return Status::OK();
}

Status QuoteMeta(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  std::string res;
  for (char c : args[0].str()) {
    if (c == '*' || c == '?' || c == '\\' || c == '[' || c == ']' || c == '{' || c == '}') res.push_back('\\');
    res.push_back(c);
  }
  *out = Value::String(std::move(res));
  return Status::OK();
}

// ---- regex-glob intersection -------------------------------------------------------

struct GToken {
  bool any = false;                                 // `.`
  std::vector<std::pair<char32_t, char32_t>> ranges;  // sorted, merged
  bool star = false;                                // matches zero or more
};

Status GlobError(const std::vector<char32_t>& input, size_t pos, std::string_view msg) {
  std::string s = "input:";
  for (char32_t r : input) text::AppendRune(r, &s);
  s += ", pos:" + std::to_string(pos) + ", ";
  s += msg;
  s += ": the input provided is invalid";
  return Status::BuiltinError(s);
}

void Normalize(std::vector<std::pair<char32_t, char32_t>>* ranges) {
  std::sort(ranges->begin(), ranges->end());
  std::vector<std::pair<char32_t, char32_t>> merged;
  for (const auto& r : *ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  *ranges = std::move(merged);
}

class GlobTokenizer {
 public:
  explicit GlobTokenizer(std::string_view s) : in_(Runes(s)) {}

  Status Run(std::vector<GToken>* out) {
    while (i_ < in_.size()) {
      char32_t r = 0;
      bool escaped = false;
      FEDRA_RETURN_IF_ERROR(NextRune(&r, &escaped));
      GToken tok;
      if (!escaped && r == '.') {
        tok.any = true;
      } else if (!escaped && r == ']') {
        return GlobError(in_, i_, "set-close ']' with no preceding '['");
      } else if (!escaped && r == '[') {
        FEDRA_RETURN_IF_ERROR(Set(&tok));
      } else if (!escaped && (r == '*' || r == '+')) {
        std::string msg = "flag '";
        text::AppendRune(r, &msg);
        msg += "' must be preceded by a non-flag";
        return GlobError(in_, i_, msg);
      } else {
        tok.ranges.push_back({r, r});
      }
      // An optional flag.
      bool plus = false;
      if (i_ < in_.size() && (in_[i_] == '*' || in_[i_] == '+')) {
        tok.star = in_[i_] == '*';
        plus = in_[i_] == '+';
        ++i_;
      }
      if (plus) {
        out->push_back(tok);  // one occurrence, then zero or more
        tok.star = true;
      }
      out->push_back(std::move(tok));
    }
    return Status::OK();
  }

 private:
  Status NextRune(char32_t* r, bool* escaped) {
    if (in_[i_] == '\\') {
      if (i_ + 1 >= in_.size()) return GlobError(in_, i_, "input ends with a \\ (escape) character");
      *r = in_[i_ + 1];
      *escaped = true;
      i_ += 2;
      return Status::OK();
    }
    *r = in_[i_++];
    *escaped = false;
    return Status::OK();
  }

  Status Set(GToken* tok) {
    char32_t prev = 0;
    bool prev_exists = false;
    while (i_ < in_.size()) {
      char32_t r = 0;
      bool escaped = false;
      FEDRA_RETURN_IF_ERROR(NextRune(&r, &escaped));
      if (!escaped && r == ']') {
        Normalize(&tok->ranges);
        return Status::OK();
      }
      if (!escaped && r == '-') {
        if (!prev_exists) return GlobError(in_, i_, "range character '-' must be preceded by a Unicode character");
        if (i_ >= in_.size() - 1) {
          return GlobError(in_, i_, "range character '-' must be followed by a Unicode character");
        }
        FEDRA_RETURN_IF_ERROR(NextRune(&r, &escaped));
        if (!escaped && (r == ']' || r == '-')) {
          return GlobError(in_, i_, "range character '-' cannot be followed by a special symbol");
        }
        if (r < prev) {
          std::string msg = "range is out of order: '";
          text::AppendRune(r, &msg);
          msg += "' comes before '";
          text::AppendRune(prev, &msg);
          msg += "' in Unicode";
          return GlobError(in_, i_, msg);
        }
        tok->ranges.push_back({prev, r});
        prev_exists = false;
        continue;
      }
      tok->ranges.push_back({r, r});
      prev = r;
      prev_exists = true;
    }
    return GlobError(in_, i_, "found [ without matching ]");
  }

  std::vector<char32_t> in_;
  size_t i_ = 0;
};

bool Overlaps(const GToken& a, const GToken& b) {
  if (a.any) return b.any || !b.ranges.empty();
  if (b.any) return !a.ranges.empty();
  size_t i = 0, j = 0;
  while (i < a.ranges.size() && j < b.ranges.size()) {
    if (a.ranges[i].second < b.ranges[j].first) {
      ++i;
    } else if (b.ranges[j].second < a.ranges[i].first) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

constexpr size_t kMaxProductStates = 20'000'000;

Status GlobsMatch(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  bool result = false;
  FEDRA_RETURN_IF_ERROR(GlobsIntersect(args[0].str(), args[1].str(), &result));
  *out = Value::Bool(result);
  return Status::OK();
}

}  // namespace

Status GlobToRegex(std::string_view glob, const std::vector<char32_t>& delimiters, std::string* regex) {
  return GlobTranslator(glob, delimiters).Run(regex);
}

Status GlobsIntersect(std::string_view a, std::string_view b, bool* result) {
  std::vector<GToken> ta, tb;
  FEDRA_RETURN_IF_ERROR(GlobTokenizer(a).Run(&ta));
  FEDRA_RETURN_IF_ERROR(GlobTokenizer(b).Run(&tb));
  size_t na = ta.size(), nb = tb.size();
  if ((na + 1) * (nb + 1) > kMaxProductStates) return Status::BuiltinError("regex.globs_match: inputs too large");
  // Breadth-first search over pairs of automaton positions; a star token may
  // be skipped or may consume a character and stay.
  std::vector<bool> seen((na + 1) * (nb + 1), false);
  std::deque<std::pair<size_t, size_t>> queue;
  auto push = [&](size_t i, size_t j) {
    size_t k = i * (nb + 1) + j;
    if (!seen[k]) {
      seen[k] = true;
      queue.emplace_back(i, j);
    }
  };
  push(0, 0);
  while (!queue.empty()) {
    auto [i, j] = queue.front();
    queue.pop_front();
    if (i == na && j == nb) {
      *result = true;
      return Status::OK();
    }
    if (i < na && ta[i].star) push(i + 1, j);
    if (j < nb && tb[j].star) push(i, j + 1);
    if (i < na && j < nb && Overlaps(ta[i], tb[j])) push(ta[i].star ? i : i + 1, tb[j].star ? j : j + 1);
  }
  *result = false;
  return Status::OK();
}

void RegisterGlob(Registry& r) {
  r.Add("glob.match", 3, GlobMatch);
  r.Add("glob.quote_meta", 1, QuoteMeta);
  r.Add("regex.globs_match", 2, GlobsMatch);
}

}  // namespace fedra::builtins
