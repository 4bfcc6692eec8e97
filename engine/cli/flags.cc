#include "cli/flags.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fedra::cli {

void Flags::Add(std::string_view names, Type type, void* out) {
  Flag f{{}, type, out};
  while (!names.empty()) {
    size_t comma = names.find(',');
    f.names.emplace_back(names.substr(0, comma));
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  flags_.push_back(std::move(f));
}

void Flags::Bool(std::string_view names, bool* out) { Add(names, Type::kBool, out); }
void Flags::String(std::string_view names, std::string* out) { Add(names, Type::kString, out); }
void Flags::List(std::string_view names, std::vector<std::string>* out) {
  Add(names, Type::kList, out);
}

const Flags::Flag* Flags::Find(std::string_view name) const {
  for (const Flag& f : flags_) {
    for (const std::string& n : f.names) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

std::string Flags::Parse(const std::vector<std::string>& args,
                         std::vector<std::string>* positional) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional->insert(positional->end(), args.begin() + static_cast<ptrdiff_t>(i) + 1,
                         args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional->push_back(arg);
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    const Flag* f = Find(name);
    if (f == nullptr) return "unknown flag " + name;
    if (f->type == Type::kBool) {
      if (has_value) {
        if (value != "true" && value != "false") return name + " takes no value";
        *static_cast<bool*>(f->out) = value == "true";
      } else {
        *static_cast<bool*>(f->out) = true;
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    if (f->type == Type::kString) {
      *static_cast<std::string*>(f->out) = value;
    } else {
      static_cast<std::vector<std::string>*>(f->out)->push_back(value);
    }
  }
  return "";
}

bool ParseDuration(std::string_view text, std::chrono::milliseconds* out) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (n > 1'000'000'000) return false;
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  std::string_view unit = text.substr(i);
  int64_t ms;
  if (unit == "ms") {
    ms = static_cast<int64_t>(n);
  } else if (unit == "s" || unit.empty()) {
    ms = static_cast<int64_t>(n) * 1000;
  } else if (unit == "m") {
    ms = static_cast<int64_t>(n) * 60'000;
  } else if (unit == "h") {
    ms = static_cast<int64_t>(n) * 3'600'000;
  } else {
    return false;
  }
  *out = std::chrono::milliseconds(ms);
  return true;
}

}  // namespace fedra::cli
