// Build: one PolicySet for every module of a revision, and each policy's
// prepared queries.
#include "admission/revision.h"

#include <map>
#include <set>

#include "compile/ir.h"
#include "compile/policy.h"
#include "value/json.h"

namespace fedra::admission {

namespace {

// The path of a module's package (data.a.b -> {"a", "b"}); empty on a shape
// the parser never produces.
std::vector<std::string> PackagePath(const ast::Module& m) {
  std::vector<std::string> out;
  const ast::Term& ref = m.package;
  for (size_t i = 1; i < ref.items.size(); ++i) {
    const ast::Term& t = ref.items[i];
    if (t.is_scalar() && t.value.is_string()) {
      out.emplace_back(t.value.str());
    } else if (t.is_var()) {
      out.push_back(t.name);
    }
  }
  return out;
}

std::string Dotted(const std::vector<std::string>& path) {
  std::string out = "data";
  for (const std::string& s : path) {
    out += '.';
    out += s;
  }
  return out;
}

// `data["a"]["b"]["rule"]`: valid whatever characters the package uses.
std::string RuleQuery(const std::vector<std::string>& path, std::string_view rule) {
  std::string out = "data";
  for (const std::string& s : path) {
    out += '[';
    out += ToJson(Value::String(s));
    out += ']';
  }
  out += '[';
  out += ToJson(Value::String(rule));
  out += ']';
  return out;
}

const ir::RuleNode* FindNode(const ir::RuleNode* root, const std::vector<std::string>& path) {
  const ir::RuleNode* n = root;
  for (const std::string& s : path) {
    if (!n) return nullptr;
    n = n->Child(s);
  }
  return n;
}

bool HasRules(const ir::RuleNode* pkg, std::string_view rule) {
  if (!pkg) return false;
  const ir::RuleNode* r = pkg->Child(rule);
  return r && (r->has_rules() || !r->children.empty());
}

}  // namespace

Revision::~Revision() = default;

int Revision::FindPolicy(std::string_view name) const {
  for (size_t i = 0; i < policies_.size(); ++i) {
    if (policies_[i].spec.name == name) return static_cast<int>(i);
  }
  return -1;
}

Status Build(PolicySource source, const BuildOptions& options,
             std::shared_ptr<const Revision>* out) {
  std::map<std::string, std::string> owner;  // module file -> policy name ("" for plain)
  std::set<std::string> names;
  for (const PolicySpec& p : source.policies) {
    if (p.name.empty()) return Status::InvalidArgument("a policy has no name");
    if (!names.insert(p.name).second) {
      return Status::InvalidArgument("policy \"" + p.name + "\" is defined twice");
    }
    if (p.modules.empty()) {
      return Status::InvalidArgument("policy \"" + p.name + "\": no modules");
    }
    for (const PolicyModule& m : p.modules) {
      if (!owner.emplace(m.name, p.name).second) {
        return Status::InvalidArgument("policy \"" + p.name + "\": module " + m.name +
                                       " is also loaded elsewhere");
      }
    }
  }
  for (const PolicyModule& m : source.modules) {
    if (!owner.emplace(m.name, "").second) {
      return Status::InvalidArgument("module " + m.name + " is loaded twice");
    }
  }
  // Errors keep the module's own location and say which policy, and where in
  // its manifest, the line is.
  auto context = [&owner, &source](const Status& s) {
    Location loc = s.location();
    auto it = owner.find(std::string(loc.file));
    if (it == owner.end() || it->second.empty()) return s;
    std::string where = "policy \"" + it->second + "\"";
    for (const ModuleOrigin& o : source.origins) {
      if (o.module != loc.file || !loc.known()) continue;
      where += " (" + o.file + ":" + std::to_string(o.line + loc.line - 1) + ":" +
               std::to_string(o.col + loc.col - 1) + ")";
      break;
    }
    return s.WithContext(where);
  };

  CompileOptions copts;
  copts.default_syntax = options.plain_module_syntax;
  Compiler compiler(copts);
  for (const PolicySpec& p : source.policies) {
    for (const PolicyModule& m : p.modules) {
      if (Status s = compiler.AddModule(m.name, m.rego, p.rego_version); !s.ok()) {
        return context(s);
      }
    }
  }
  for (const PolicyModule& m : source.modules) {
    FEDRA_RETURN_IF_ERROR(compiler.AddModule(m.name, m.rego, options.plain_module_syntax));
  }
  if (!source.data.is_object()) return Status::InvalidArgument("data: expected an object");
  compiler.SetData(source.data);
  std::shared_ptr<const PolicySet> ps;
  if (Status s = compiler.Compile(&ps); !s.ok()) return context(s);

  std::unique_ptr<Revision> rev(new Revision());
  rev->policy_set_ = ps;
  rev->revision_ = source.revision.empty() ? ContentRevision(source) : source.revision;
  rev->data_ = source.data;
  rev->modules_ = std::move(source.modules);

  const PolicySet::Impl& impl = ps->impl();
  std::map<std::string, std::string> packages;  // package -> policy
  rev->policies_.reserve(source.policies.size());
  for (PolicySpec& spec : source.policies) {
    const std::string& first = spec.modules.front().name;
    const ast::Module* mod = nullptr;
    for (const ast::Module& m : impl.modules) {
      if (m.file == first) mod = &m;
    }
    if (!mod) return Status::Internal("module " + first + " missing after compile");
    std::vector<std::string> path = PackagePath(*mod);
    std::string package = Dotted(path);
    auto [it, inserted] = packages.emplace(package, spec.name);
    if (!inserted) {
      return Status::InvalidArgument("policies \"" + it->second + "\" and \"" + spec.name +
                                     "\" have the same package " + package +
                                     " (each policy needs its own)");
    }
    CompiledPolicy cp;
    cp.package = package;
    const ir::RuleNode* node = FindNode(impl.root.get(), path);
    cp.has_violation = HasRules(node, "violation");
    cp.has_patch = HasRules(node, "patch");
    cp.has_recommend = HasRules(node, "recommend");
    struct Q {
      bool has;
      const char* rule;
      PreparedQuery* q;
    } queries[] = {{cp.has_violation, "violation", &cp.violation},
                   {cp.has_patch, "patch", &cp.patch},
                   {cp.has_recommend, "recommend", &cp.recommend}};
    for (const Q& q : queries) {
      if (!q.has) continue;
      if (Status s = ps->Prepare(RuleQuery(path, q.rule), q.q); !s.ok()) {
        return s.WithContext("policy \"" + spec.name + "\": preparing " + package + "." + q.rule);
      }
    }
    if (!cp.has_violation && !cp.has_patch && !cp.has_recommend) {
      return Status::InvalidArgument("policy \"" + spec.name + "\": package " + package +
                                     " defines none of violation, patch, recommend");
    }
    cp.spec = std::move(spec);
    rev->policies_.push_back(std::move(cp));
  }
  *out = std::shared_ptr<const Revision>(std::move(rev));
  return Status::OK();
}

}  // namespace fedra::admission
