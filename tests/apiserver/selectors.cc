#include "tests/apiserver/selectors.h"

#include <algorithm>
#include <cctype>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Splits at commas outside parentheses.
std::vector<std::string> SplitTerms(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(Trim(cur));
  return out;
}

bool ValidLabelKey(const std::string& k) {
  if (k.empty() || k.size() > 317) return false;
  for (char c : k) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != '/') {
      return false;
    }
  }
  return true;
}

std::string LabelValue(const json& obj, const std::string& key, bool* present) {
  *present = false;
  const json* labels = Lookup(obj, "metadata.labels");
  if (!labels || !labels->is_object()) return "";
  auto it = labels->find(key);
  if (it == labels->end() || !it->is_string()) return "";
  *present = true;
  return it->get<std::string>();
}

}  // namespace

ApiError LabelSelector::Parse(const std::string& text, LabelSelector* out) {
  out->reqs_.clear();
  if (Trim(text).empty()) return ApiError();
  auto bad = [&](const std::string& why) {
    return ApiError::BadRequest("unable to parse requirement: " + why + " in \"" + text + "\"");
  };
  for (const std::string& term : SplitTerms(text)) {
    if (term.empty()) return bad("empty requirement");
    Req r;
    size_t paren = term.find('(');
    if (paren != std::string::npos) {
      if (term.back() != ')') return bad("missing ')'");
      std::string head = Trim(term.substr(0, paren));
      size_t sp = head.find_last_of(" \t");
      if (sp == std::string::npos) return bad("expected 'in' or 'notin'");
      std::string op = Trim(head.substr(sp + 1));
      r.key = Trim(head.substr(0, sp));
      if (op == "in") {
        r.op = Op::kIn;
      } else if (op == "notin") {
        r.op = Op::kNotIn;
      } else {
        return bad("unknown operator '" + op + "'");
      }
      std::string inner = term.substr(paren + 1, term.size() - paren - 2);
      size_t start = 0;
      while (start <= inner.size()) {
        size_t comma = inner.find(',', start);
        r.values.push_back(Trim(inner.substr(start, comma == std::string::npos ? comma : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (size_t p = term.find("!="); p != std::string::npos) {
      r.key = Trim(term.substr(0, p));
      r.op = Op::kNotEq;
      r.values = {Trim(term.substr(p + 2))};
    } else if (size_t p = term.find("=="); p != std::string::npos) {
      r.key = Trim(term.substr(0, p));
      r.op = Op::kEq;
      r.values = {Trim(term.substr(p + 2))};
    } else if (size_t p = term.find('='); p != std::string::npos) {
      r.key = Trim(term.substr(0, p));
      r.op = Op::kEq;
      r.values = {Trim(term.substr(p + 1))};
    } else if (term[0] == '!') {
      r.key = Trim(term.substr(1));
      r.op = Op::kNotExists;
    } else {
      r.key = term;
      r.op = Op::kExists;
    }
    if (!ValidLabelKey(r.key)) return bad("invalid label key \"" + r.key + "\"");
    out->reqs_.push_back(std::move(r));
  }
  return ApiError();
}

bool LabelSelector::Matches(const json& obj) const {
  for (const Req& r : reqs_) {
    bool present = false;
    std::string v = LabelValue(obj, r.key, &present);
    bool in = present && std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    switch (r.op) {
      case Op::kEq:
      case Op::kIn:
        if (!in) return false;
        break;
      case Op::kNotEq:
      case Op::kNotIn:
        if (in) return false;
        break;
      case Op::kExists:
        if (!present) return false;
        break;
      case Op::kNotExists:
        if (present) return false;
        break;
    }
  }
  return true;
}

ApiError FieldSelector::Parse(const std::string& text, const std::string& group,
                              const std::string& kind, FieldSelector* out) {
  out->reqs_.clear();
  if (Trim(text).empty()) return ApiError();
  std::vector<std::string> supported = {"metadata.name", "metadata.namespace"};
  if (group.empty() && kind == "Pod") {
    supported.insert(supported.end(), {"status.phase", "spec.nodeName", "spec.serviceAccountName"});
  } else if (group.empty() && kind == "Secret") {
    supported.push_back("type");
  } else if (group.empty() && kind == "Event") {
    supported.insert(supported.end(),
                     {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                      "involvedObject.uid", "reason", "type", "source"});
  }
  for (const std::string& term : SplitTerms(text)) {
    Req r;
    size_t p;
    if ((p = term.find("!=")) != std::string::npos) {
      r.field = Trim(term.substr(0, p));
      r.equal = false;
      r.value = Trim(term.substr(p + 2));
    } else if ((p = term.find("==")) != std::string::npos) {
      r.field = Trim(term.substr(0, p));
      r.equal = true;
      r.value = Trim(term.substr(p + 2));
    } else if ((p = term.find('=')) != std::string::npos) {
      r.field = Trim(term.substr(0, p));
      r.equal = true;
      r.value = Trim(term.substr(p + 1));
    } else {
      return ApiError::BadRequest("invalid selector: '" + text +
                                  "'; can't understand '" + term + "'");
    }
    if (std::find(supported.begin(), supported.end(), r.field) == supported.end()) {
      return ApiError::BadRequest("field label not supported: " + r.field);
    }
    out->reqs_.push_back(std::move(r));
  }
  return ApiError();
}

bool FieldSelector::Matches(const json& obj) const {
  for (const Req& r : reqs_) {
    const json* v = Lookup(obj, r.field);
    std::string s;
    if (v && v->is_string()) {
      s = v->get<std::string>();
    } else if (v && !v->is_null()) {
      s = v->dump();
    }
    if ((s == r.value) != r.equal) return false;
  }
  return true;
}

}  // namespace fedra::apiserver
