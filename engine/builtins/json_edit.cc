// json.filter, json.remove and json.patch.
//
// Paths are "a/b/c" strings (leading slashes ignored, ~1 and ~0 unescaped as
// in JSON pointers) or arrays of segments (any values). As in OPA, array
// elements are addressed by their index written as a string ("0"), set
// members by the member itself, and object members by key. json.patch
// applies RFC 6902 operations with OPA's extensions for sets; any failing
// operation makes the result undefined.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "builtins/encoding_util.h"
#include "builtins/json_patch.h"
#include "builtins/operands.h"

namespace fedra::builtins {

namespace {

using Args = std::span<const Value>;
using Path = std::vector<Value>;

Status ParsePath(const Value& p, Path* out) {
  out->clear();
  if (p.is_string()) {
    std::string_view s = p.str();
    if (s.empty()) return Status::OK();
    size_t b = s.find_first_not_of('/');
    s = b == std::string_view::npos ? std::string_view() : s.substr(b);
    while (true) {
      size_t slash = s.find('/');
      std::string part(s.substr(0, slash));
      std::string un;
      for (size_t i = 0; i < part.size(); ++i) {
        if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '1' || part[i + 1] == '0')) {
          un.push_back(part[i + 1] == '1' ? '/' : '~');
          ++i;
        } else {
          un.push_back(part[i]);
        }
      }
      out->push_back(Value::String(std::move(un)));
      if (slash == std::string_view::npos) break;
      s = s.substr(slash + 1);
    }
    return Status::OK();
  }
  if (p.is_array()) {
    out->assign(p.array().begin(), p.array().end());
    return Status::OK();
  }
  return OperandError(2, "must be one of {set, array} containing string paths or array of path segments but got " +
                             std::string(KindName(p.kind())));
}

Status ParsePaths(const Value& v, std::vector<Path>* out) {
  if (!v.is_array() && !v.is_set()) return OperandTypeError(2, v, "one of {set, array}");
  for (const Value& p : v.is_array() ? v.array() : v.set()) {
    Path path;
    FEDRA_RETURN_IF_ERROR(ParsePath(p, &path));
    out->push_back(std::move(path));
  }
  return Status::OK();
}

// The paths merged into a tree; a leaf selects a whole subtree.
struct PathTree {
  bool leaf = false;
  std::map<Value, std::unique_ptr<PathTree>, ValueLess> children;

  const PathTree* Child(const Value& k) const {
    auto it = children.find(k);
    return it == children.end() ? nullptr : it->second.get();
  }
};

void BuildTree(const std::vector<Path>& paths, PathTree* root) {
  for (const Path& path : paths) {
    if (path.empty()) continue;
    PathTree* node = root;
    bool done = false;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      auto& child = node->children[path[i]];
      if (!child) child = std::make_unique<PathTree>();
      if (child->leaf) {
        done = true;
        break;
      }
      node = child.get();
    }
    if (!done) {
      auto leaf = std::make_unique<PathTree>();
      leaf->leaf = true;
      node->children[path.back()] = std::move(leaf);
    }
  }
}

Value IndexKey(size_t i) { return Value::String(std::to_string(i)); }

Status Filter(const Value& v, const PathTree& f, int depth, Value* out) {
  if (depth > kMaxDepth) return Status::BuiltinError("json.filter: document nested too deeply");
  if (f.leaf) {
    *out = v;
    return Status::OK();
  }
  if (v.is_array()) {
    std::vector<Value> items;
    for (size_t i = 0; i < v.array().size(); ++i) {
      if (const PathTree* c = f.Child(IndexKey(i))) {
        Value r;
        FEDRA_RETURN_IF_ERROR(Filter(v.array()[i], *c, depth + 1, &r));
        items.push_back(std::move(r));
      }
    }
    *out = Value::Array(std::move(items));
  } else if (v.is_set()) {
    std::vector<Value> items;
    for (const Value& e : v.set()) {
      if (const PathTree* c = f.Child(e)) {
        Value r;
        FEDRA_RETURN_IF_ERROR(Filter(e, *c, depth + 1, &r));
        items.push_back(std::move(r));
      }
    }
    *out = Value::Set(std::move(items));
  } else if (v.is_object()) {
    std::vector<ObjectEntry> entries;
    for (const auto& [k, e] : v.object()) {
      if (const PathTree* c = f.Child(k)) {
        Value r;
        FEDRA_RETURN_IF_ERROR(Filter(e, *c, depth + 1, &r));
        entries.emplace_back(k, std::move(r));
      }
    }
    *out = Value::Object(std::move(entries));
  } else {
    *out = v;
  }
  return Status::OK();
}

// Sets *out undefined when v is removed entirely.
Status Remove(const Value& v, const PathTree* f, int depth, Value* out) {
  if (depth > kMaxDepth) return Status::BuiltinError("json.remove: document nested too deeply");
  if (f == nullptr) {
    *out = v;
    return Status::OK();
  }
  if (f->leaf) {
    *out = Value();
    return Status::OK();
  }
  if (v.is_object()) {
    std::vector<ObjectEntry> entries;
    for (const auto& [k, e] : v.object()) {
      Value r;
      FEDRA_RETURN_IF_ERROR(Remove(e, f->Child(k), depth + 1, &r));
      if (r.defined()) entries.emplace_back(k, std::move(r));
    }
    *out = Value::Object(std::move(entries));
  } else if (v.is_set()) {
    std::vector<Value> items;
    for (const Value& e : v.set()) {
      Value r;
      FEDRA_RETURN_IF_ERROR(Remove(e, f->Child(e), depth + 1, &r));
      if (r.defined()) items.push_back(std::move(r));
    }
    *out = Value::Set(std::move(items));
  } else if (v.is_array()) {
    std::vector<Value> items;
    for (size_t i = 0; i < v.array().size(); ++i) {
      Value r;
      FEDRA_RETURN_IF_ERROR(Remove(v.array()[i], f->Child(IndexKey(i)), depth + 1, &r));
      if (r.defined()) items.push_back(std::move(r));
    }
    *out = Value::Array(std::move(items));
  } else {
    *out = v;
  }
  return Status::OK();
}

Status JsonFilter(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  std::vector<Path> paths;
  FEDRA_RETURN_IF_ERROR(ParsePaths(args[1], &paths));
  PathTree tree;
  BuildTree(paths, &tree);
  return Filter(args[0], tree, 0, out);
}

Status JsonRemove(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectObject(args, 0));
  std::vector<Path> paths;
  FEDRA_RETURN_IF_ERROR(ParsePaths(args[1], &paths));
  PathTree tree;
  BuildTree(paths, &tree);
  return Remove(args[0], &tree, 0, out);
}

// ---- json.patch ------------------------------------------------------------------

Status PatchError(std::string_view msg) { return Status::BuiltinError(msg); }

// Array index for a path segment; `allow_end` admits len (insertion point)
// and "-" (append).
bool ArrayIndex(const Value& seg, size_t len, bool allow_end, size_t* out) {
  if (seg.is_string()) {
    std::string_view s = seg.str();
    if (s == "-" && allow_end) {
      *out = len;
      return true;
    }
    if (s.empty() || s.size() > 18) return false;
    size_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    *out = n;
  } else {
    int64_t n = 0;
    if (!seg.is_number() || !seg.AsInt64(&n) || n < 0) return false;
    *out = static_cast<size_t>(n);
  }
  return *out < len || (allow_end && *out == len);
}

Status GetAt(const Value& doc, const Path& path, size_t i, Value* out) {
  if (i == path.size()) {
    *out = doc;
    return Status::OK();
  }
  const Value& seg = path[i];
  if (doc.is_object()) {
    const Value* c = doc.Find(seg);
    if (c == nullptr) return PatchError("path not found");
    return GetAt(*c, path, i + 1, out);
  }
  if (doc.is_array()) {
    size_t idx;
    if (!ArrayIndex(seg, doc.array().size(), false, &idx)) return PatchError("invalid array index");
    return GetAt(doc.array()[idx], path, i + 1, out);
  }
  if (doc.is_set()) {
    if (!doc.Contains(seg)) return PatchError("set member not found");
    return GetAt(seg, path, i + 1, out);
  }
  return PatchError("path not found");
}

// op: 'a' add (insert), 'd' delete.
Status EditAt(const Value& doc, const Path& path, size_t i, char op, const Value& value, Value* out) {
  if (i == path.size()) {
    if (op == 'd') return PatchError("cannot remove the document root");
    *out = value;
    return Status::OK();
  }
  const Value& seg = path[i];
  bool last = i + 1 == path.size();
  if (doc.is_object()) {
    std::vector<ObjectEntry> entries(doc.object().begin(), doc.object().end());
    const Value* cur = doc.Find(seg);
    if (last) {
      if (op == 'd') {
        if (cur == nullptr) return PatchError("path not found");
        std::erase_if(entries, [&](const ObjectEntry& e) { return e.first == seg; });
      } else {
        entries.emplace_back(seg, value);  // the last entry for a key wins
      }
    } else {
      if (cur == nullptr) return PatchError("path not found");
      Value child;
      FEDRA_RETURN_IF_ERROR(EditAt(*cur, path, i + 1, op, value, &child));
      entries.emplace_back(seg, std::move(child));
    }
    *out = Value::Object(std::move(entries));
    return Status::OK();
  }
  if (doc.is_array()) {
    std::vector<Value> items(doc.array().begin(), doc.array().end());
    size_t idx;
    if (!ArrayIndex(seg, items.size(), last && op == 'a', &idx)) return PatchError("invalid array index");
    if (last) {
      if (op == 'd') {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(idx));
      } else {
        items.insert(items.begin() + static_cast<std::ptrdiff_t>(idx), value);
      }
    } else {
      FEDRA_RETURN_IF_ERROR(EditAt(items[idx], path, i + 1, op, value, &items[idx]));
    }
    *out = Value::Array(std::move(items));
    return Status::OK();
  }
  if (doc.is_set()) {
    std::vector<Value> items(doc.set().begin(), doc.set().end());
    if (last) {
      if (op == 'd') {
        if (!doc.Contains(seg)) return PatchError("set member not found");
        std::erase_if(items, [&](const Value& e) { return e == seg; });
      } else {
        if (seg != value) return PatchError("set member must equal the path's last segment");
        items.push_back(value);
      }
    } else {
      if (!doc.Contains(seg)) return PatchError("set member not found");
      std::erase_if(items, [&](const Value& e) { return e == seg; });
      Value child;
      FEDRA_RETURN_IF_ERROR(EditAt(seg, path, i + 1, op, value, &child));
      items.push_back(std::move(child));
    }
    *out = Value::Set(std::move(items));
    return Status::OK();
  }
  return PatchError("path not found");
}

Status ApplyPatch(Value doc, const Value& ops, Value* out) {
  for (const Value& op : ops.array()) {
    if (!op.is_object()) return PatchError("must be an array of JSON-Patch objects");
    const Value* name = op.Find("op");
    if (name == nullptr) return PatchError("missing 'op' attribute");
    if (!name->is_string()) return PatchError("attribute 'op' must be a string");
    std::string_view o = name->str();
    if (o != "add" && o != "remove" && o != "replace" && o != "move" && o != "copy" && o != "test") {
      return PatchError("unrecognized op");
    }
    const Value* path_v = op.Find("path");
    if (path_v == nullptr) return PatchError("missing 'path' attribute");
    Path path;
    FEDRA_RETURN_IF_ERROR(ParsePath(*path_v, &path));
    // Editing recurses once per segment.
    if (path.size() > static_cast<size_t>(kMaxDepth)) return PatchError("path too long");
    const Value* from_v = nullptr;
    if (o == "move" || o == "copy") {
      from_v = op.Find("from");
      if (from_v == nullptr) return PatchError("missing 'from' attribute");
    }
    const Value* value = nullptr;
    if (o == "add" || o == "replace" || o == "test") {
      value = op.Find("value");
      if (value == nullptr) return PatchError("missing 'value' attribute");
    }
    Value next;
    if (o == "add") {
      FEDRA_RETURN_IF_ERROR(EditAt(doc, path, 0, 'a', *value, &next));
    } else if (o == "remove") {
      FEDRA_RETURN_IF_ERROR(EditAt(doc, path, 0, 'd', Value(), &next));
    } else if (o == "replace") {
      Value tmp;
      FEDRA_RETURN_IF_ERROR(EditAt(doc, path, 0, 'd', Value(), &tmp));
      FEDRA_RETURN_IF_ERROR(EditAt(tmp, path, 0, 'a', *value, &next));
    } else if (o == "move" || o == "copy") {
      Path from;
      FEDRA_RETURN_IF_ERROR(ParsePath(*from_v, &from));
      if (from.size() > static_cast<size_t>(kMaxDepth)) return PatchError("path too long");
      Value chunk, tmp = doc;
      FEDRA_RETURN_IF_ERROR(GetAt(doc, from, 0, &chunk));
      if (o == "move") FEDRA_RETURN_IF_ERROR(EditAt(doc, from, 0, 'd', Value(), &tmp));
      FEDRA_RETURN_IF_ERROR(EditAt(tmp, path, 0, 'a', chunk, &next));
    } else {  // test
      Value got;
      FEDRA_RETURN_IF_ERROR(GetAt(doc, path, 0, &got));
      if (got != *value) return PatchError("test failed");
      next = doc;
    }
    doc = std::move(next);
  }
  *out = std::move(doc);
  return Status::OK();
}

Status JsonPatch(Context&, Args args, Value* out) {
  FEDRA_RETURN_IF_ERROR(ExpectArray(args, 1));
  Value result;
  // OPA makes a failed patch undefined rather than an error.
  if (ApplyPatch(args[0], args[1], &result).ok()) *out = std::move(result);
  return Status::OK();
}

}  // namespace

Status ApplyJsonPatch(const Value& doc, const Value& ops, Value* out) {
  if (!ops.is_array()) return PatchError("must be an array of JSON-Patch objects");
  return ApplyPatch(doc, ops, out);
}

void RegisterJsonEdit(Registry& r) {
  r.Add("json.filter", 2, JsonFilter);
  r.Add("json.remove", 2, JsonRemove);
  r.Add("json.patch", 2, JsonPatch);
}

}  // namespace fedra::builtins
