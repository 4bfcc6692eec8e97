#include "compile/compiler.h"

#include "compile/safety.h"
#include "compile/steps.h"

namespace fedra::compile {

void BuildRuleTree(CompileState* state);   // rule_tree.cc
void CheckRecursion(CompileState* state);  // recursion.cc
void BuildIndexes(CompileState* state);    // index.cc

namespace {

std::string Dotted(const std::vector<std::string>& path) {
  std::string s = "data";
  for (const auto& p : path) s += "." + p;
  return s;
}

void ResolvePackages(CompileState* state) {
  auto& modules = state->impl->modules;
  state->module_names.resize(modules.size());
  for (size_t i = 0; i < modules.size(); ++i) {
    const ast::Module& m = modules[i];
    ModuleNames& names = state->module_names[i];
    const ast::Term& pkg = m.package;
    for (size_t j = 1; j < pkg.items.size(); ++j) {
      if (!pkg.items[j].value.is_string()) {
        state->errors.push_back(Status::CompileError("package path must contain only strings", pkg.loc));
        break;
      }
      names.package.emplace_back(pkg.items[j].value.str());
    }
    for (const auto& imp : m.imports) {
      const ast::Term& p = imp.path;
      std::string head = p.kind == ast::TermKind::kRef ? p.items[0].name : p.name;
      if (head == "future" || head == "rego") continue;
      if (head != "data" && head != "input") {
        state->errors.push_back(Status::CompileError(
            "invalid import " + head + ": must begin with input or data", imp.loc));
        continue;
      }
      std::string alias = imp.alias;
      if (alias.empty()) {
        if (p.kind != ast::TermKind::kRef || p.items.size() < 2) {
          alias = head;
        } else {
          const ast::Term& last = p.items.back();
          if (!last.value.is_string()) {
            state->errors.push_back(Status::CompileError("import path must end with a name", imp.loc));
            continue;
          }
          alias = std::string(last.value.str());
        }
      }
      ast::Term ref = p.kind == ast::TermKind::kRef ? p : ast::Term::Ref({p}, p.loc);
      names.imports[alias] = std::move(ref);
    }
    auto& rule_names = state->rule_names[Dotted(names.package)];
    for (const auto& r : m.rules) {
      if (r.head.ref.kind == ast::TermKind::kRef && !r.head.ref.items.empty())
        rule_names.insert(r.head.ref.items[0].name);
      else if (r.head.ref.kind == ast::TermKind::kVar)
        rule_names.insert(r.head.ref.name);
    }
  }
  for (size_t i = 0; i < modules.size(); ++i) {
    ModuleNames& names = state->module_names[i];
    names.rule_names = &state->rule_names[Dotted(names.package)];
  }
  std::vector<const ast::Module*> module_ptrs;
  for (const auto& m : modules) module_ptrs.push_back(&m);
  Status s = AnnotationSet::Build(module_ptrs, &state->annotations);
  if (!s.ok()) state->errors.push_back(std::move(s));
}

void LowerRules(CompileState* state) {
  auto& impl = *state->impl;
  for (auto& p : state->pending) {
    auto rule = std::make_unique<ir::Rule>();
    rule->node = p.node;
    Lowerer lowerer(state->module_names[p.module], impl.root.get(), impl.data, *impl.registry,
                    &impl.callables, &state->errors);
    lowerer.SetMetadata(&state->annotations, &impl.modules[p.module]);
    lowerer.LowerRule(*p.rule, p.key_steps, rule.get());
    state->all_rules.push_back(rule.get());
    if (p.rule->is_default) {
      if (p.node->default_rule) {
        state->errors.push_back(Status(StatusCode::kTypeError,
                                       "multiple default rules " + p.node->dotted + " found",
                                       p.rule->loc));
      }
      p.node->default_rule = std::move(rule);
    } else {
      p.node->rules.push_back(std::move(rule));
    }
  }
}

void CheckSafety(CompileState* state) {
  for (ir::Rule* r : state->all_rules) CheckRuleSafety(r, &state->errors);
}

void PlanAllSteps(CompileState* state) {
  for (ir::Rule* r : state->all_rules) PlanRuleSteps(r);
}

}  // namespace

const std::vector<Stage>& Stages() {
  static const std::vector<Stage> kStages = {
      {"resolve_packages", ResolvePackages},
      {"build_rule_tree", BuildRuleTree},
      {"lower_rules", LowerRules},
      {"check_safety", CheckSafety},
      {"plan_steps", PlanAllSteps},
      {"check_recursion", CheckRecursion},
      {"build_indexes", BuildIndexes},
  };
  return kStages;
}

void RunStages(CompileState* state, const std::string& stop_after,
               std::vector<std::pair<std::string, std::chrono::nanoseconds>>* timings) {
  for (const Stage& stage : Stages()) {
    auto start = std::chrono::steady_clock::now();
    stage.run(state);
    if (timings) timings->emplace_back(stage.name, std::chrono::steady_clock::now() - start);
    if (!state->errors.empty()) return;
    if (stop_after == stage.name) return;
  }
}

Status CompileQuery(const PolicySet::Impl& impl, const ast::Body& body, CompiledQuery* out) {
  ModuleNames names;  // queries see no package and no imports
  std::vector<Status> errors;
  Lowerer lowerer(names, impl.root.get(), impl.data, *impl.registry, &out->callables, &errors);
  lowerer.LowerQuery(body, &out->body, &out->outputs);
  out->num_slots = lowerer.num_slots();
  if (errors.empty()) CheckQuerySafety(&out->body, out->num_slots, &errors);
  if (!errors.empty()) return errors.front();
  PlanSteps(&out->body);
  return Status::OK();
}

}  // namespace fedra::compile
