// Regex builtins: regex.match (and the deprecated re_match), regex.is_valid,
// regex.split, regex.find_n, regex.find_all_string_submatch_n,
// regex.replace, regex.template_match; glob.* and regex.globs_match are in
// glob.cc.
//
// Patterns are Go regexp syntax, run with RE2 (linear time). Match
// iteration reproduces Go's rules: an empty match right after the previous
// match is skipped, and the search always advances by at least one rune.
#include <string>
#include <string_view>
#include <vector>

#include "builtins/glob.h"
#include "builtins/operands.h"
#include "builtins/regex_cache.h"
#include "builtins/registry.h"
#include "builtins/sprintf.h"
#include "builtins/text_util.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;
using re2::StringPiece;

Status Compile(std::string_view pattern, std::shared_ptr<const RE2>* re) {
  std::string err;
  *re = CompileRegex(pattern, &err);
  if (*re == nullptr) return Status::BuiltinError(err);
  return Status::OK();
}

// One match: byte offsets of the whole match and each group (-1 when a group
// did not participate).
using Match = std::vector<int64_t>;

// Go's Regexp.allMatches: up to n matches (n < 0: all).
std::vector<Match> AllMatches(const RE2& re, std::string_view s, int64_t n) {
  std::vector<Match> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<StringPiece> sub(static_cast<size_t>(ngroups));
  StringPiece text(s.data(), s.size());
  int64_t prev_end = -1;
  size_t pos = 0;
  while (static_cast<int64_t>(out.size()) < n && pos <= s.size()) {
    if (!re.Match(text, pos, s.size(), RE2::UNANCHORED, sub.data(), ngroups)) break;
    int64_t start = sub[0].data() - s.data();
    int64_t end = start + static_cast<int64_t>(sub[0].size());
    bool accept = true;
    if (end == static_cast<int64_t>(pos)) {
      if (start == prev_end) accept = false;
      size_t w = 1;
      if (pos < s.size()) text::DecodeRune(s, pos, &w);
      pos += w;
    } else {
      pos = static_cast<size_t>(end);
    }
    prev_end = end;
    if (accept) {
      Match m;
      for (int g = 0; g < ngroups; ++g) {
        const StringPiece& p = sub[static_cast<size_t>(g)];
        if (p.data() == nullptr) {
          m.push_back(-1);
          m.push_back(-1);
        } else {
          m.push_back(p.data() - s.data());
          m.push_back(p.data() - s.data() + static_cast<int64_t>(p.size()));
        }
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

Status IsValid(Context&, Args args, Value* out) {
  if (!args[0].is_string()) {
    *out = Value::Bool(false);
    return Status::OK();
  }
  std::string err;
  *out = Value::Bool(CompileRegex(args[0].str(), &err) != nullptr);
  return Status::OK();
}

Status MatchFn(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(args[0].str(), &re));
  std::string_view s = args[1].str();
  *out = Value::Bool(RE2::PartialMatch(StringPiece(s.data(), s.size()), *re));
  return Status::OK();
}

Status SplitFn(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(args[0].str(), &re));
  std::string_view s = args[1].str();
  std::vector<Value> parts;
  if (!args[0].str().empty() && s.empty()) {
    parts.push_back(Value::String(std::string_view()));
  } else {
    size_t beg = 0, end = 0;
    for (const Match& m : AllMatches(*re, s, -1)) {
      end = static_cast<size_t>(m[0]);
      if (m[1] != 0) parts.push_back(Value::String(s.substr(beg, end - beg)));
      beg = static_cast<size_t>(m[1]);
    }
    if (end != s.size()) parts.push_back(Value::String(s.substr(beg)));
  }
  *out = Value::Array(std::move(parts));
  return Status::OK();
}

Status FindN(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  int64_t n = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &n));
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(args[0].str(), &re));
  std::string_view s = args[1].str();
  std::vector<Value> found;
  if (n != 0) {
    for (const Match& m : AllMatches(*re, s, n)) {
      found.push_back(Value::String(s.substr(static_cast<size_t>(m[0]), static_cast<size_t>(m[1] - m[0]))));
    }
  }
  *out = Value::Array(std::move(found));
  return Status::OK();
}

Status FindAllSubmatch(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  int64_t n = 0;
  FEDRA_RETURN_IF_ERROR(ExpectInt(args, 2, &n));
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(args[0].str(), &re));
  std::string_view s = args[1].str();
  std::vector<Value> found;
  if (n != 0) {
    for (const Match& m : AllMatches(*re, s, n)) {
      std::vector<Value> groups;
      for (size_t g = 0; g + 1 < m.size(); g += 2) {
        groups.push_back(m[g] < 0 ? Value::String(std::string_view())
                                  : Value::String(s.substr(static_cast<size_t>(m[g]),
                                                           static_cast<size_t>(m[g + 1] - m[g]))));
      }
      found.push_back(Value::Array(std::move(groups)));
    }
  }
  *out = Value::Array(std::move(found));
  return Status::OK();
}

bool IsNameRune(char32_t r) {
  return r == '_' || (r < 0x80 ? std::isalnum(static_cast<int>(r)) != 0 : text::ToLower(r) != text::ToUpper(r));
}

// Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$.
void Expand(const RE2& re, std::string_view tmpl, std::string_view src, const std::vector<StringPiece>& sub,
            std::string* out) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    // Extract a name, optionally in braces.
    std::string_view rest = tmpl;
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t i = 0;
    while (i < rest.size()) {
      size_t w;
      char32_t r = text::DecodeRune(rest, i, &w);
      if (!IsNameRune(r)) break;
      i += w;
    }
    bool ok = i > 0 && (!brace || (i < rest.size() && rest[i] == '}'));
    if (!ok) {
      out->push_back('$');
      continue;
    }
    std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(i + (brace ? 1 : 0));
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    int group = -1;
    if (num >= 0) {
      group = num < static_cast<int64_t>(sub.size()) ? static_cast<int>(num) : -1;
    } else {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      if (it != names.end()) group = it->second;
    }
    if (group >= 0 && group < static_cast<int>(sub.size()) && sub[static_cast<size_t>(group)].data() != nullptr) {
      const StringPiece& p = sub[static_cast<size_t>(group)];
      out->append(p.data(), p.size());
    }
  }
  out->append(tmpl);
  (void)src;
}

Status ReplaceFn(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 0));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 1));
  FEDRA_RETURN_IF_ERROR(ExpectString(args, 2));
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(args[1].str(), &re));
  std::string_view s = args[0].str();
  std::string_view repl = args[2].str();
  int ngroups = re->NumberOfCapturingGroups() + 1;
  std::vector<StringPiece> sub(static_cast<size_t>(ngroups));
  StringPiece text(s.data(), s.size());
  std::string res;
  size_t last_end = 0, search = 0;
  while (search <= s.size()) {
    if (!re->Match(text, search, s.size(), RE2::UNANCHORED, sub.data(), ngroups)) break;
    size_t a0 = static_cast<size_t>(sub[0].data() - s.data());
    size_t a1 = a0 + sub[0].size();
    res.append(s.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) Expand(*re, repl, s, sub, &res);
    if (res.size() > kMaxBuiltStringBytes) return ResultTooLong();
    last_end = a1;
    size_t w = 1;
    if (search < s.size()) text::DecodeRune(s, search, &w);
    if (search + w > a1) {
      search += w;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  res.append(s.substr(last_end));
  *out = Value::String(std::move(res));
  return Status::OK();
}

Status TemplateMatch(Context&, Args args, Value* out) {
  for (int i = 0; i < 4; ++i) FEDRA_RETURN_IF_ERROR(ExpectString(args, i));
  std::string_view tpl = args[0].str(), start = args[2].str(), end = args[3].str();
  // OPA reports the start delimiter's length in both messages.
  if (start.size() != 1) {
    return Status::BuiltinError("start delimiter has to be exactly one character long but is " +
                                std::to_string(start.size()) + " long");
  }
  if (end.size() != 1) {
    return Status::BuiltinError("end delimiter has to be exactly one character long but is " +
                                std::to_string(start.size()) + " long");
  }
  char ds = start[0], de = end[0];
  std::vector<size_t> idxs;
  int level = 0;
  size_t open = 0;
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == ds) {
      if (++level == 1) open = i;
    } else if (tpl[i] == de) {
      if (--level == 0) {
        idxs.push_back(open);
        idxs.push_back(i + 1);
      } else if (level < 0) {
        return Status::BuiltinError("unbalanced braces in " + GoQuote(tpl));
      }
    }
  }
  if (level != 0) return Status::BuiltinError("unbalanced braces in " + GoQuote(tpl));
  std::string pattern = "^";
  size_t last = 0;
  for (size_t i = 0; i < idxs.size(); i += 2) {
    std::string_view raw = tpl.substr(last, idxs[i] - last);
    last = idxs[i + 1];
    std::string_view var = tpl.substr(idxs[i] + 1, last - 1 - (idxs[i] + 1));
    pattern += GoQuoteMeta(raw) + "(" + std::string(var) + ")";
    std::shared_ptr<const RE2> check;
    FEDRA_RETURN_IF_ERROR(Compile("^" + std::string(var) + "$", &check));
  }
  pattern += GoQuoteMeta(tpl.substr(last)) + "$";
  std::shared_ptr<const RE2> re;
  FEDRA_RETURN_IF_ERROR(Compile(pattern, &re));
  std::string_view s = args[1].str();
  *out = Value::Bool(RE2::PartialMatch(StringPiece(s.data(), s.size()), *re));
  return Status::OK();
}

}  // namespace

void RegisterRegex(Registry& r) {
  r.Add("regex.is_valid", 1, IsValid);
  r.Add("regex.match", 2, MatchFn);
  r.Add("re_match", 2, MatchFn);
  r.Add("regex.split", 2, SplitFn);
  r.Add("regex.find_n", 3, FindN);
  r.Add("regex.find_all_string_submatch_n", 3, FindAllSubmatch);
  r.Add("regex.replace", 3, ReplaceFn);
  r.Add("regex.template_match", 4, TemplateMatch);
  RegisterGlob(r);
}

}  // namespace fedra::builtins
