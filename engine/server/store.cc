#include "server/store.h"

#include <cctype>

#include "builtins/json_patch.h"
#include "http/server.h"

namespace fedra::server {

namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string QueryFor(const std::vector<std::string>& path) {
  std::string q = "data";
  for (const auto& seg : path) {
    if (IsIdentifier(seg)) {
      q += "." + seg;
    } else {
      q += "[" + ToJson(Value::String(seg)) + "]";
    }
  }
  return q;
}

std::string Join(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& s : path) out += (out.empty() ? "" : "/") + s;
  return out;
}

// Whether `path` lies under (or above) an owned prefix: writing either way
// would change data the base source defines.
bool Overlaps(const std::vector<std::string>& path, const std::string& owned) {
  if (owned.empty()) return true;
  std::string p = Join(path);
  if (p.empty()) return true;
  return p == owned || p.rfind(owned + "/", 0) == 0 || owned.rfind(p + "/", 0) == 0;
}

// Every leaf-most path the data object defines, as "a/b" prefixes: the
// paths a policy directory owns.
void OwnedPaths(const Value& data, std::vector<std::string>* out) {
  if (!data.is_object()) return;
  for (const auto& e : data.object()) {
    if (e.first.is_string()) out->push_back(std::string(e.first.str()));
  }
}

}  // namespace

Status Active::Query(const std::vector<std::string>& path,
                     std::shared_ptr<const PreparedQuery>* out) const {
  std::string q = QueryFor(path);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = queries_.find(q);
    if (it != queries_.end()) {
      *out = it->second;
      return Status::OK();
    }
  }
  auto prepared = std::make_shared<PreparedQuery>();
  Status s = revision->policy_set()->Prepare(q, prepared.get());
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: one entry per distinct path asked, and paths come from clients.
  if (queries_.size() > 4096) queries_.clear();
  auto [it, inserted] = queries_.emplace(q, std::move(prepared));
  *out = it->second;
  return Status::OK();
}

PolicyStore::PolicyStore() {
  std::lock_guard<std::mutex> lock(mu_);
  // An empty revision, so that requests before the first activation get a
  // well-formed answer (nothing denies) rather than a crash.
  Status s = Rebuild(admission::PolicySource{}, "none", "", {});
  (void)s;
}

void PolicyStore::ReportFailure(const std::string& source, const Status& error) {
  std::lock_guard<std::mutex> lock(mu_);
  Activation a;
  a.source = source;
  a.error = error;
  for (const auto& fn : listeners_) fn(a);
}

void PolicyStore::OnActivation(std::function<void(const Activation&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(fn));
}

Status PolicyStore::Rebuild(admission::PolicySource base, std::string source,
                            std::string bundle_revision, std::vector<std::string> owned) {
  auto start = std::chrono::steady_clock::now();
  admission::PolicySource combined = base;
  for (const auto& [id, rego] : api_modules_) {
    combined.modules.push_back(admission::PolicyModule{id, rego});
  }
  combined.data = MergeData(base.data, api_data_);
  combined.revision.clear();  // recomputed over the combination
  std::shared_ptr<const admission::Revision> rev;
  Status s = admission::Build(std::move(combined), {}, &rev);
  Activation a;
  a.source = source;
  a.compile_time = std::chrono::steady_clock::now() - start;
  if (s.ok()) {
    auto active = std::make_shared<Active>();
    active->revision = rev;
    active->source = source;
    active->bundle_revision = bundle_revision;
    active->activated = std::chrono::system_clock::now();
    active->generation = ++generation_;
    base_ = std::move(base);
    base_kind_ = source;
    bundle_revision_ = std::move(bundle_revision);
    owned_ = std::move(owned);
    std::atomic_store(&current_, std::shared_ptr<const Active>(std::move(active)));
    a.ok = true;
    a.revision = rev->revision();
  } else {
    a.error = s;
  }
  for (const auto& fn : listeners_) fn(a);
  return s;
}

Status PolicyStore::SetDirSource(admission::PolicySource source) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> owned;
  OwnedPaths(source.data, &owned);
  owned.push_back("fedra");
  return Rebuild(std::move(source), "dir", "", std::move(owned));
}

Status PolicyStore::SetBundle(const bundle::Bundle& b) {
  std::vector<admission::PolicyModule> modules;
  modules.reserve(b.modules.size());
  for (const auto& m : b.modules) modules.push_back(admission::PolicyModule{m.path, m.source});
  admission::PolicySource source;
  Status s = admission::PoliciesFromData(b.data, std::move(modules), &source);
  if (!s.ok()) {
    ReportFailure("bundle", s);
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  return Rebuild(std::move(source), "bundle", b.revision, b.roots);
}

Status PolicyStore::PutModule(const std::string& id, const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& m : base_.modules) {
    if (m.name == id) return Status::InvalidArgument("module " + id + " is owned by the " + base_kind_);
  }
  auto old = api_modules_;
  api_modules_[id] = source;
  Status s = Rebuild(base_, base_kind_, bundle_revision_, owned_);
  if (!s.ok()) api_modules_ = std::move(old);
  return s;
}

Status PolicyStore::DeleteModule(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = api_modules_.find(id);
  if (it == api_modules_.end()) return Status::NotFound("policy " + id + " not found");
  std::string old = it->second;
  api_modules_.erase(it);
  Status s = Rebuild(base_, base_kind_, bundle_revision_, owned_);
  if (!s.ok()) api_modules_[id] = old;
  return s;
}

std::map<std::string, std::string> PolicyStore::Modules() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out = api_modules_;
  for (const auto& m : base_.modules) out[m.name] = m.rego;
  for (const auto& p : base_.policies) {
    for (const auto& m : p.modules) out[m.name] = m.rego;
  }
  return out;
}

Status PolicyStore::CheckWritable(const std::vector<std::string>& path) const {
  for (const auto& o : owned_) {
    if (Overlaps(path, o)) {
      return Status::InvalidArgument("path /" + Join(path) + " is owned by the " + base_kind_ +
                                     (o.empty() ? "" : " (root " + o + ")"));
    }
  }
  return Status::OK();
}

Status PolicyStore::CommitApiData(Value next) {
  Value old = std::move(api_data_);
  api_data_ = std::move(next);
  Status s = Rebuild(base_, base_kind_, bundle_revision_, owned_);
  if (!s.ok()) api_data_ = std::move(old);
  return s;
}

Status PolicyStore::PutDataLocked(const std::vector<std::string>& path, const Value& value) {
  Status s = CheckWritable(path);
  if (!s.ok()) return s;
  if (path.empty() && !value.is_object()) {
    return Status::InvalidArgument("the root document must be an object");
  }
  Value next;
  s = SetPath(api_data_, path, value, &next);
  if (!s.ok()) return s;
  return CommitApiData(std::move(next));
}

Status PolicyStore::PutData(const std::vector<std::string>& path, const Value& value) {
  std::lock_guard<std::mutex> lock(mu_);
  return PutDataLocked(path, value);
}

// Read, patch and write under one lock, so that concurrent patches to the
// same document cannot lose each other's changes.
Status PolicyStore::PatchData(const std::vector<std::string>& path, const Value& ops) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = CheckWritable(path);
  if (!s.ok()) return s;
  Value current = GetPath(api_data_, path);
  if (current.is_undefined()) current = Value::EmptyObject();
  Value patched;
  s = builtins::ApplyJsonPatch(current, ops, &patched);
  if (!s.ok()) return Status::InvalidArgument("patch: " + std::string(s.message()));
  return PutDataLocked(path, patched);
}

Status PolicyStore::DeleteData(const std::vector<std::string>& path) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = CheckWritable(path);
  if (!s.ok()) return s;
  Value next = Value::EmptyObject();
  if (!path.empty()) {
    s = RemovePath(api_data_, path, &next);
    if (!s.ok()) return s;
  }
  return CommitApiData(std::move(next));
}

// ---- path helpers ------------------------------------------------------------

Value GetPath(const Value& root, const std::vector<std::string>& path) {
  const Value* cur = &root;
  for (const auto& seg : path) {
    if (!cur->is_object()) return Value();
    cur = cur->Find(std::string_view(seg));
    if (cur == nullptr) return Value();
  }
  return *cur;
}

namespace {

Value WithKey(const Value& obj, const std::string& key, const Value* value) {
  std::vector<ObjectEntry> entries;
  bool replaced = false;
  if (obj.is_object()) {
    for (const auto& e : obj.object()) {
      if (e.first.is_string() && e.first.str() == key) {
        replaced = true;
        if (value != nullptr) entries.push_back(ObjectEntry{e.first, *value});
      } else {
        entries.push_back(e);
      }
    }
  }
  if (!replaced && value != nullptr) entries.push_back(ObjectEntry{Value::String(key), *value});
  return Value::Object(std::move(entries));
}

Status SetAt(const Value& node, const std::vector<std::string>& path, size_t i, const Value& value,
             Value* out) {
  if (!node.is_object() && node.defined()) {
    std::vector<std::string> prefix(path.begin(), path.begin() + static_cast<long>(i));
    return Status::InvalidArgument("cannot write below /" + Join(prefix) + ": not an object");
  }
  if (i + 1 == path.size()) {
    *out = WithKey(node, path[i], &value);
    return Status::OK();
  }
  Value child = node.is_object() ? GetPath(node, {path[i]}) : Value();
  Value new_child;
  Status s = SetAt(child, path, i + 1, value, &new_child);
  if (!s.ok()) return s;
  *out = WithKey(node, path[i], &new_child);
  return Status::OK();
}

Status RemoveAt(const Value& node, const std::vector<std::string>& path, size_t i, Value* out) {
  const Value* child = node.is_object() ? node.Find(std::string_view(path[i])) : nullptr;
  if (child == nullptr) return Status::NotFound("path /" + Join(path) + " not found");
  if (i + 1 == path.size()) {
    *out = WithKey(node, path[i], nullptr);
    return Status::OK();
  }
  Value new_child;
  Status s = RemoveAt(*child, path, i + 1, &new_child);
  if (!s.ok()) return s;
  *out = WithKey(node, path[i], &new_child);
  return Status::OK();
}

}  // namespace

Status SetPath(const Value& root, const std::vector<std::string>& path, const Value& value,
               Value* out) {
  if (path.empty()) {
    *out = value;
    return Status::OK();
  }
  return SetAt(root, path, 0, value, out);
}

Status RemovePath(const Value& root, const std::vector<std::string>& path, Value* out) {
  if (path.empty()) return Status::InvalidArgument("cannot remove the root");
  return RemoveAt(root, path, 0, out);
}

Value MergeData(const Value& base, const Value& over) {
  if (!base.is_object() || !over.is_object()) return over.defined() ? over : base;
  if (over.empty()) return base;
  std::vector<ObjectEntry> entries(base.object().begin(), base.object().end());
  for (const auto& e : over.object()) {
    bool merged = false;
    for (auto& b : entries) {
      if (b.first == e.first) {
        b.second = MergeData(b.second, e.second);
        merged = true;
        break;
      }
    }
    if (!merged) entries.push_back(e);
  }
  return Value::Object(std::move(entries));
}

std::vector<std::string> SplitPath(std::string_view raw_path) {
  std::vector<std::string> out;
  while (!raw_path.empty()) {
    size_t slash = raw_path.find('/');
    std::string_view seg = raw_path.substr(0, slash);
    if (!seg.empty()) out.push_back(http::PercentDecode(seg));
    if (slash == std::string_view::npos) break;
    raw_path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace fedra::server
