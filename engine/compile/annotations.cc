// rego.metadata.rule() / rego.metadata.chain() values (see annotations.h).
#include "compile/annotations.h"

#include <string>
#include <utility>
#include <vector>

namespace fedra::compile {

namespace {

Value Str(std::string_view s) { return Value::String(s); }

std::string LocText(const Location& loc) {
  if (!loc.file.empty()) return std::string(loc.file) + ":" + std::to_string(loc.line);
  return std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

Status Redeclared(const ast::Annotation& a, const ast::Annotation& first) {
  return Status(StatusCode::kTypeError, a.scope + " annotation redeclared: " + LocText(first.loc),
                a.loc);
}

// Inserts `a` under `path`; a second annotation under one key is an error.
Status Insert(std::map<Value, const ast::Annotation*, ValueLess>* m, const Value& path,
              const ast::Annotation& a) {
  auto [it, inserted] = m->emplace(path, &a);
  if (!inserted) return Redeclared(a, *it->second);
  return Status::OK();
}

// The rule-scope annotations of `r`, closest to the rule first. They are
// stored in source order, so the closest is the last.
std::vector<const ast::Annotation*> RuleScope(const ast::Rule& r) {
  std::vector<const ast::Annotation*> out;
  for (size_t i = r.annotations.size(); i-- > 0;) {
    if (r.annotations[i].scope == "rule") out.push_back(&r.annotations[i]);
  }
  return out;
}

Value Link(const Value& path, const ast::Annotation* a) {
  std::vector<ObjectEntry> e;
  e.emplace_back(Str("path"), path);
  if (a != nullptr) e.emplace_back(Str("annotations"), a->value);
  return Value::Object(std::move(e));
}

}  // namespace

Value PackagePath(const ast::Module& m) {
  std::vector<Value> steps;
  const auto& items = m.package.items;
  for (size_t i = 1; i < items.size(); ++i) {
    if (items[i].is_scalar()) steps.push_back(items[i].value);
  }
  return Value::Array(std::move(steps));
}

Value RulePath(const ast::Module& m, const ast::Rule& r) {
  std::vector<Value> steps;
  Value pkg = PackagePath(m);
  for (const Value& s : pkg.array()) steps.push_back(s);
  const auto& items = r.head.ref.items;
  for (size_t i = 0; i < items.size(); ++i) {
    const ast::Term& t = items[i];
    if (i == 0 && t.is_var()) {
      steps.push_back(Str(t.name));
    } else if (t.is_scalar() && t.value.defined()) {
      steps.push_back(t.value);
    } else {
      break;  // the ground prefix ends at the first variable step
    }
  }
  return Value::Array(std::move(steps));
}

Status AnnotationSet::Build(const std::vector<const ast::Module*>& modules, AnnotationSet* out) {
  out->by_package_.clear();
  out->by_path_.clear();
  Status first_error;
  auto note = [&first_error](Status st) {
    if (first_error.ok() && !st.ok()) first_error = std::move(st);
  };
  for (const ast::Module* m : modules) {
    Value pkg = PackagePath(*m);
    for (const ast::Annotation& a : m->annotations) {
      if (a.scope == "package") note(Insert(&out->by_package_, pkg, a));
      if (a.scope == "subpackages") note(Insert(&out->by_path_, pkg, a));
    }
    for (const ast::Rule& r : m->rules) {
      for (const ast::Annotation& a : r.annotations) {
        if (a.scope == "document") note(Insert(&out->by_path_, RulePath(*m, r), a));
      }
    }
  }
  return first_error;
}

Value AnnotationSet::Chain(const ast::Module& m, const ast::Rule& r) const {
  std::vector<Value> links;
  const Value path = RulePath(m, r);
  std::vector<const ast::Annotation*> own = RuleScope(r);
  if (own.empty()) {
    links.push_back(Link(path, nullptr));
  } else {
    for (const ast::Annotation* a : own) links.push_back(Link(path, a));
  }
  if (auto it = by_path_.find(path); it != by_path_.end()) links.push_back(Link(path, it->second));
  const Value pkg = PackagePath(m);
  if (auto it = by_package_.find(pkg); it != by_package_.end()) links.push_back(Link(pkg, it->second));
  // Subpackages: the package itself, then each ancestor up to the root.
  std::span<const Value> steps = pkg.array();
  for (size_t n = steps.size(); n > 0; --n) {
    Value prefix = Value::Array(std::vector<Value>(steps.begin(), steps.begin() + n));
    if (auto it = by_path_.find(prefix); it != by_path_.end()) links.push_back(Link(prefix, it->second));
  }
  return Value::Array(std::move(links));
}

Value RuleMetadata(const ast::Rule& r) {
  std::vector<const ast::Annotation*> own = RuleScope(r);
  if (own.empty()) return Value::EmptyObject();
  return own.front()->value;
}

Value MetadataChain(const std::vector<const ast::Module*>& modules, const ast::Module& m,
                    const ast::Rule& r) {
  AnnotationSet set;
  (void)AnnotationSet::Build(modules, &set);
  return set.Chain(m, r);
}

}  // namespace fedra::compile
