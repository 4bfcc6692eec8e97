// Table output (meta.k8s.io/v1), the server-side printing kubectl asks for
// with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
#include <algorithm>
#include <cctype>
#include <ctime>

#include "tests/apiserver/api.h"
#include "tests/apiserver/json_util.h"

namespace fedra::apiserver {

namespace {

// One `[...]` step of a column path: an index, a quoted key ['a.b'], or a
// filter [?(@.field=="value")] that selects the first matching element
// (kubectl prints the first result of a JSONPath column).
const json* Subscript(const json* cur, const std::string& inner) {
  if (!inner.empty() && std::all_of(inner.begin(), inner.end(), ::isdigit)) {
    size_t k = std::stoul(inner);
    return cur->is_array() && k < cur->size() ? &(*cur)[k] : nullptr;
  }
  if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front()) {
    std::string key = inner.substr(1, inner.size() - 2);
    return cur->is_object() && cur->contains(key) ? &(*cur)[key] : nullptr;
  }
  if (inner.rfind("?(@.", 0) == 0 && inner.back() == ')') {
    std::string cond = inner.substr(4, inner.size() - 5);  // field=="value"
    size_t eq = cond.find("==");
    if (eq == std::string::npos || !cur->is_array()) return nullptr;
    std::string field = cond.substr(0, eq);
    std::string want = cond.substr(eq + 2);
    if (want.size() >= 2 && (want.front() == '"' || want.front() == '\'') && want.back() == want.front()) {
      want = want.substr(1, want.size() - 2);
    }
    for (const json& el : *cur) {
      if (!el.is_object() || !el.contains(field)) continue;
      const json& v = el[field];
      if ((v.is_string() && v.get<std::string>() == want) || (!v.is_string() && v.dump() == want)) return &el;
    }
  }
  return nullptr;
}

}  // namespace

json EvalColumnPath(const json& obj, const std::string& path) {
  const json* cur = &obj;
  size_t i = 0;
  const size_t n = path.size();
  if (i < n && path[i] == '{') ++i;  // "{.spec.x}" as well as ".spec.x"
  while (i < n && cur) {
    char c = path[i];
    if (c == '}') break;
    if (c == '.') {
      ++i;
      std::string key;  // `\.` is a literal dot inside a key
      while (i < n && path[i] != '.' && path[i] != '[' && path[i] != '}') {
        if (path[i] == '\\' && i + 1 < n) ++i;
        key.push_back(path[i++]);
      }
      if (key.empty()) continue;
      if (!cur->is_object() || !cur->contains(key)) return nullptr;
      cur = &(*cur)[key];
    } else if (c == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos) return nullptr;
      std::string inner = path.substr(i + 1, close - i - 1);
      i = close + 1;
      cur = Subscript(cur, inner);
    } else {
      return nullptr;
    }
  }
  return cur ? *cur : json();
}

namespace {

// Kubernetes' duration.HumanDuration, the AGE column's format.
std::string HumanDuration(long long s) {
  auto n = [](long long v) { return std::to_string(v); };
  if (s < 0) s = 0;
  if (s < 120) return n(s) + "s";
  long long m = s / 60;
  if (m < 10) return s % 60 == 0 ? n(m) + "m" : n(m) + "m" + n(s % 60) + "s";
  if (m < 180) return n(m) + "m";
  long long h = s / 3600;
  if (h < 8) return m % 60 == 0 ? n(h) + "h" : n(h) + "h" + n(m % 60) + "m";
  if (h < 48) return n(h) + "h";
  if (h < 192) return h % 24 == 0 ? n(h / 24) + "d" : n(h / 24) + "d" + n(h % 24) + "h";
  if (h < 24 * 365 * 2) return n(h / 24) + "d";
  return n(h / 24 / 365) + "y";
}

// "2026-11-28T08:03:18Z" -> its age, or the text unchanged when unparsable.
json Age(const json& v) {
  if (!v.is_string()) return v;
  std::tm tm{};
  const std::string& text = v.get_ref<const std::string&>();
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return v;
  long long then = static_cast<long long>(timegm(&tm));
  long long now = static_cast<long long>(std::time(nullptr));
  return HumanDuration(now - then);
}

json Columns(const ResourceType& type) {
  json cols = json::array();
  cols.push_back({{"name", "Name"},
                  {"type", "string"},
                  {"format", "name"},
                  {"description", "Name must be unique within a namespace."},
                  {"priority", 0}});
  for (const PrinterColumn& c : type.columns) {
    cols.push_back({{"name", c.name},
                    {"type", c.type == "date" ? "date" : c.type},
                    {"format", ""},
                    {"description", c.description},
                    {"priority", c.priority}});
  }
  bool has_age = false;
  for (const PrinterColumn& c : type.columns) has_age = has_age || c.name == "Age";
  if (!has_age) {
    cols.push_back({{"name", "Age"},
                    {"type", "date"},
                    {"format", ""},
                    {"description", "CreationTimestamp is a timestamp representing the server time when this object was created."},
                    {"priority", 0}});
  }
  return cols;
}

json Row(const ResourceType& type, const json& obj, bool include_object) {
  json cells = json::array();
  cells.push_back(MetaString(obj, "name"));
  bool has_age = false;
  for (const PrinterColumn& c : type.columns) {
    has_age = has_age || c.name == "Age";
    json v = EvalColumnPath(obj, c.json_path);
    if (c.type == "date") v = Age(v);
    cells.push_back(v.is_structured() ? json(v.dump()) : v);
  }
  if (!has_age) cells.push_back(Age(MetaString(obj, "creationTimestamp")));
  json row = {{"cells", std::move(cells)}};
  if (include_object) {
    row["object"] = obj;
  } else {
    row["object"] = {{"kind", "PartialObjectMetadata"},
                     {"apiVersion", "meta.k8s.io/v1"},
                     {"metadata", obj.value("metadata", json::object())}};
  }
  return row;
}

}  // namespace

json ToTable(const ResourceType& type, const json& obj_or_list, bool include_object) {
  json rows = json::array();
  json meta = json::object();
  if (obj_or_list.contains("items") && obj_or_list["items"].is_array()) {
    for (const json& item : obj_or_list["items"]) rows.push_back(Row(type, item, include_object));
    meta = obj_or_list.value("metadata", json::object());
  } else {
    rows.push_back(Row(type, obj_or_list, include_object));
    meta["resourceVersion"] = MetaString(obj_or_list, "resourceVersion");
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", std::move(meta)},
          {"columnDefinitions", Columns(type)},
          {"rows", std::move(rows)}};
}

}  // namespace fedra::apiserver
