#include "tests/apiserver/managed_fields.h"

#include <algorithm>

#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

bool NeverOwned(const FieldPath& p) {
  if (p.size() == 1 && (p[0] == "apiVersion" || p[0] == "kind")) return true;
  if (p.size() >= 2 && p[0] == "metadata") {
    static const char* kMeta[] = {"name", "namespace", "uid", "resourceVersion", "generation",
                                  "creationTimestamp", "deletionTimestamp",
                                  "deletionGracePeriodSeconds", "managedFields", "selfLink"};
    for (const char* m : kMeta) {
      if (p[1] == m) return true;
    }
  }
  return false;
}

void Collect(const json& v, FieldPath* path, FieldSet* out) {
  if (v.is_object() && !v.empty()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      path->push_back(it.key());
      if (!NeverOwned(*path)) Collect(it.value(), path, out);
      path->pop_back();
    }
    return;
  }
  if (!path->empty()) out->insert(*path);
}

const json* At(const json& obj, const FieldPath& p) {
  const json* cur = &obj;
  for (const std::string& k : p) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

void SetAt(json* obj, const FieldPath& p, const json& value) {
  json* cur = obj;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!cur->is_object()) *cur = json::object();
    cur = &(*cur)[p[i]];
  }
  // An empty map in the applied config keeps whatever map is there.
  if (value.is_object() && value.empty() && cur->is_object()) return;
  *cur = value;
}

void EraseAt(json* obj, const FieldPath& p) {
  json* cur = obj;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (!cur->is_object()) return;
    auto it = cur->find(p[i]);
    if (it == cur->end()) return;
    cur = &*it;
  }
  if (cur->is_object() && !p.empty()) cur->erase(p.back());
}

bool Overlaps(const FieldPath& a, const FieldPath& b) {
  size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + n, b.begin());
}

bool OwnsOverlapping(const FieldSet& set, const FieldPath& p) {
  for (const FieldPath& q : set) {
    if (Overlaps(p, q)) return true;
  }
  return false;
}

bool SameValue(const json* a, const json* b) {
  if (!a || !b) return a == b;
  return *a == *b;
}

struct Entry {
  json meta;  // everything but fieldsV1
  FieldSet fields;
  std::string manager, operation, subresource;
};

std::vector<Entry> ReadEntries(const json& obj) {
  std::vector<Entry> out;
  const json* mf = Lookup(obj, "metadata.managedFields");
  if (!mf || !mf->is_array()) return out;
  for (const json& e : *mf) {
    if (!e.is_object()) continue;
    Entry en;
    en.meta = e;
    en.meta.erase("fieldsV1");
    en.fields = FieldsFromV1(e.value("fieldsV1", json::object()));
    en.manager = e.value("manager", "");
    en.operation = e.value("operation", "");
    en.subresource = e.value("subresource", "");
    out.push_back(std::move(en));
  }
  return out;
}

void WriteEntries(json* obj, const std::vector<Entry>& entries) {
  json arr = json::array();
  for (const Entry& e : entries) {
    if (e.fields.empty()) continue;
    json j = e.meta;
    j["fieldsType"] = "FieldsV1";
    j["fieldsV1"] = FieldsToV1(e.fields);
    arr.push_back(std::move(j));
  }
  if (!(*obj)["metadata"].is_object()) (*obj)["metadata"] = json::object();
  if (arr.empty()) {
    (*obj)["metadata"].erase("managedFields");
  } else {
    (*obj)["metadata"]["managedFields"] = std::move(arr);
  }
}

Entry* FindEntry(std::vector<Entry>* entries, const std::string& manager,
                 const std::string& operation, const std::string& subresource) {
  for (Entry& e : *entries) {
    if (e.manager == manager && e.operation == operation && e.subresource == subresource) {
      return &e;
    }
  }
  return nullptr;
}

Entry& EnsureEntry(std::vector<Entry>* entries, const std::string& manager,
                   const std::string& operation, const std::string& subresource,
                   const std::string& api_version) {
  Entry* e = FindEntry(entries, manager, operation, subresource);
  if (!e) {
    entries->push_back(Entry{});
    e = &entries->back();
    e->manager = manager;
    e->operation = operation;
    e->subresource = subresource;
  }
  e->meta = {{"manager", manager}, {"operation", operation}, {"apiVersion", api_version},
             {"time", NowRfc3339()}};
  if (!subresource.empty()) e->meta["subresource"] = subresource;
  return *e;
}

}  // namespace

FieldSet LeafFields(const json& obj) {
  FieldSet out;
  FieldPath path;
  if (obj.is_object()) Collect(obj, &path, &out);
  return out;
}

json FieldsToV1(const FieldSet& fields) {
  json root = json::object();
  for (const FieldPath& p : fields) {
    json* cur = &root;
    for (const std::string& k : p) cur = &(*cur)["f:" + k];
    if (cur->is_null()) *cur = json::object();
  }
  return root;
}

FieldSet FieldsFromV1(const json& v1) {
  FieldSet out;
  struct Frame {
    const json* node;
    FieldPath path;
  };
  std::vector<Frame> stack{{&v1, {}}};
  while (!stack.empty()) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    bool has_child = false;
    if (f.node->is_object()) {
      for (auto it = f.node->begin(); it != f.node->end(); ++it) {
        if (it.key().rfind("f:", 0) != 0) continue;  // ".", "k:", "v:" are not modelled
        has_child = true;
        FieldPath p = f.path;
        p.push_back(it.key().substr(2));
        stack.push_back({&it.value(), std::move(p)});
      }
    }
    if (!has_child && !f.path.empty()) out.insert(f.path);
  }
  return out;
}

std::string FieldPathString(const FieldPath& path) {
  std::string s;
  for (const std::string& k : path) s += "." + k;
  return s;
}

ApiError ServerSideApply(const json& current, const json& applied, const ApplyRequest& req,
                         json* result) {
  FieldSet config = LeafFields(applied);
  std::vector<Entry> entries = current.is_null() ? std::vector<Entry>{} : ReadEntries(current);
  struct Conflict {
    std::string manager;
    std::string api_version;
    FieldPath path;
  };
  std::vector<Conflict> conflicts;
  for (const Entry& e : entries) {
    if (e.manager == req.manager && e.operation == "Apply" && e.subresource == req.subresource) {
      continue;
    }
    for (const FieldPath& p : config) {
      if (!OwnsOverlapping(e.fields, p)) continue;
      if (!SameValue(current.is_null() ? nullptr : At(current, p), At(applied, p))) {
        conflicts.push_back({e.manager, e.meta.value("apiVersion", ""), p});
      }
    }
  }
  if (!conflicts.empty() && !req.force) {
    std::string msg = "Apply failed with " + std::to_string(conflicts.size()) + " conflict" +
                      (conflicts.size() > 1 ? "s" : "") + ": ";
    std::vector<Cause> causes;
    for (size_t i = 0; i < conflicts.size(); ++i) {
      const Conflict& c = conflicts[i];
      std::string who = "conflict with \"" + c.manager + "\"" +
                        (c.api_version.empty() ? "" : " using " + c.api_version);
      if (conflicts.size() == 1) {
        msg += who + ": " + FieldPathString(c.path);
      } else {
        msg += (i ? "\n- " : "conflicts:\n- ") + who + ": " + FieldPathString(c.path);
      }
      causes.push_back({"FieldManagerConflict", who, FieldPathString(c.path)});
    }
    ApiError err = ApiError::Generic(409, "Conflict", msg);
    json arr = json::array();
    for (const Cause& c : causes) {
      arr.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    }
    err.details() = {{"causes", arr}};
    if (!req.name.empty()) err.details()["name"] = req.name;
    if (!req.group.empty()) err.details()["group"] = req.group;
    if (!req.resource.empty()) err.details()["kind"] = req.resource;
    return err;
  }
  // Forced: the conflicting managers lose those fields.
  for (const Conflict& c : conflicts) {
    for (Entry& e : entries) {
      if (e.manager != c.manager) continue;
      for (auto it = e.fields.begin(); it != e.fields.end();) {
        it = Overlaps(*it, c.path) ? e.fields.erase(it) : std::next(it);
      }
    }
  }
  json out = current.is_null() ? json::object() : current;
  Entry* mine = FindEntry(&entries, req.manager, "Apply", req.subresource);
  if (mine) {
    for (const FieldPath& p : mine->fields) {
      if (config.count(p)) continue;
      bool shared = false;
      for (const Entry& e : entries) {
        if (&e != mine && OwnsOverlapping(e.fields, p)) shared = true;
      }
      if (!shared) EraseAt(&out, p);
    }
  }
  for (const FieldPath& p : config) SetAt(&out, p, *At(applied, p));
  for (const char* k : {"apiVersion", "kind"}) {
    if (applied.contains(k)) out[k] = applied[k];
  }
  for (const char* k : {"name", "namespace"}) {
    const json* v = Lookup(applied, std::string("metadata.") + k);
    if (v && !out["metadata"].contains(k)) out["metadata"][k] = *v;
  }
  Entry& entry = EnsureEntry(&entries, req.manager, "Apply", req.subresource, req.api_version);
  entry.fields = config;
  WriteEntries(&out, entries);
  *result = std::move(out);
  return ApiError();
}

void TrackUpdate(const json& old, json* updated, const std::string& manager,
                 const std::string& api_version, const std::string& subresource) {
  std::vector<Entry> entries = ReadEntries(*updated);
  FieldSet now = LeafFields(*updated);
  FieldSet changed;
  for (const FieldPath& p : now) {
    if (old.is_null() || !SameValue(At(old, p), At(*updated, p))) changed.insert(p);
  }
  for (Entry& e : entries) {
    for (auto it = e.fields.begin(); it != e.fields.end();) {
      bool gone = At(*updated, *it) == nullptr;
      bool taken = e.manager != manager && changed.count(*it);
      it = gone || taken ? e.fields.erase(it) : std::next(it);
    }
  }
  if (!changed.empty() && !manager.empty()) {
    Entry& entry = EnsureEntry(&entries, manager, "Update", subresource, api_version);
    entry.fields.insert(changed.begin(), changed.end());
  }
  WriteEntries(updated, entries);
}

void DropUnownableFields(json* obj) {
  std::vector<Entry> entries = ReadEntries(*obj);
  for (Entry& e : entries) {
    for (auto it = e.fields.begin(); it != e.fields.end();) {
      it = At(*obj, *it) == nullptr ? e.fields.erase(it) : std::next(it);
    }
  }
  WriteEntries(obj, entries);
}

}  // namespace fedra::apiserver
