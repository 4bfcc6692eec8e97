#include "admission/verify.h"

#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include "admission/documents.h"
#include "admission/fields.h"
#include "admission/gatekeeper.h"
#include "admission/revision.h"
#include "tools/file_util.h"

namespace fedra::admission {

namespace fs = std::filesystem;
using internal::Member;

namespace {

constexpr std::string_view kSuiteApiVersion = "test.gatekeeper.sh/v1alpha1";

bool IsSuite(const Value& doc) {
  Value kind = Member(doc, "kind");
  Value api = Member(doc, "apiVersion");
  return kind.is_string() && kind.str() == "Suite" && api.is_string() &&
         api.str() == kSuiteApiVersion;
}

std::string Str(const Value& obj, std::string_view key) {
  Value v = Member(obj, key);
  return v.is_string() ? std::string(v.str()) : std::string();
}

bool Flag(const Value& obj, std::string_view key) { return Member(obj, key).is_true(); }

// Errors about files and fields read best as their message; Rego errors keep
// file:line:col and their code.
std::string Text(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kIoError:
      return std::string(s.message());
    default:
      return s.ToString();
  }
}

// One assertion, parsed: want is "yes", "no" or a count.
struct Assertion {
  enum class Want { kYes, kNo, kCount } want = Want::kYes;
  int64_t count = 0;
  std::string message;
  std::unique_ptr<RE2> re;
};

Status ParseAssertion(const Value& a, size_t i, Assertion* out) {
  std::string path = "assertions[" + std::to_string(i) + "]";
  if (!a.is_object()) return internal::FieldError(path, "expected an object");
  Value v = Member(a, "violations");
  if (v.is_undefined() || v.is_null()) {
    out->want = Assertion::Want::kYes;
  } else if (v.is_string() && v.str() == "yes") {
    out->want = Assertion::Want::kYes;
  } else if (v.is_string() && v.str() == "no") {
    out->want = Assertion::Want::kNo;
  } else if (v.is_bool()) {
    out->want = v.bool_value() ? Assertion::Want::kYes : Assertion::Want::kNo;
  } else if (v.AsInt64(&out->count) && out->count >= 0) {
    out->want = Assertion::Want::kCount;
  } else {
    return internal::FieldError(path + ".violations",
                                "expected yes, no or a non-negative integer, found " + ToJson(v));
  }
  Value msg = Member(a, "message");
  if (msg.defined() && !msg.is_null()) {
    if (!msg.is_string()) return internal::FieldError(path + ".message", "expected a string");
    out->message = std::string(msg.str());
    RE2::Options opts;
    opts.set_log_errors(false);
    out->re = std::make_unique<RE2>(out->message, opts);
    if (!out->re->ok()) {
      return internal::FieldError(path + ".message", "bad regular expression: " + out->re->error());
    }
  }
  return Status::OK();
}

std::string Describe(const Assertion& a) {
  std::string out = "violations ";
  switch (a.want) {
    case Assertion::Want::kYes:
      out += "yes";
      break;
    case Assertion::Want::kNo:
      out += "no";
      break;
    case Assertion::Want::kCount:
      out += std::to_string(a.count);
      break;
  }
  if (!a.message.empty()) out += " matching \"" + a.message + "\"";
  return out;
}

class Runner {
 public:
  Runner(const VerifyOptions& options, const std::function<void(std::string_view)>& print,
         VerifyCounts* counts, const RE2* run)
      : options_(options), print_(print), counts_(counts), run_(run) {}

  void RunSuite(const std::string& file, const Value& suite) {
    print_("--- suite " + file);
    fs::path dir = fs::path(file).parent_path();
    Value tests = Member(suite, "tests");
    if (!tests.is_array()) {
      Fail(file, "tests: expected an array");
      return;
    }
    for (size_t i = 0; i < tests.size(); ++i) RunTest(dir, tests.array()[i], i);
  }

  void Fail(std::string_view name, std::string_view why) {
    ++counts_->failed;
    print_("FAIL  " + std::string(name) + ": " + std::string(why));
  }

 private:
  bool Selected(const std::string& name) const {
    return run_ == nullptr || RE2::PartialMatch(name, *run_);
  }

  // Reads the one document of the file named by `key`; `text` (optional)
  // receives the file's text.
  Status LoadOne(const fs::path& dir, const Value& test, std::string_view key, Value* out,
                 std::string* text = nullptr) {
    std::string rel = Str(test, key);
    if (rel.empty()) return Status::InvalidArgument(std::string(key) + ": required");
    std::vector<Value> docs;
    if (text) {
      FEDRA_RETURN_IF_ERROR(tools::ReadFile((dir / rel).string(), text, 16u << 20));
      FEDRA_RETURN_IF_ERROR(ParseDocuments(*text, (dir / rel).string(), &docs));
    } else {
      FEDRA_RETURN_IF_ERROR(ReadDocuments((dir / rel).string(), &docs));
    }
    if (docs.size() != 1) {
      return Status::InvalidArgument((dir / rel).string() + ": expected one document, found " +
                                     std::to_string(docs.size()));
    }
    *out = docs[0];
    return Status::OK();
  }

  // Template + constraint -> policy; `stage` says which one failed.
  Status LoadPolicy(const fs::path& dir, const Value& test, PolicySpec* spec, std::string* stage) {
    Value tdoc, cdoc;
    *stage = "template";
    std::string ttext;
    FEDRA_RETURN_IF_ERROR(LoadOne(dir, test, "template", &tdoc, &ttext));
    ConstraintTemplate tmpl;
    std::string origin = (dir / Str(test, "template")).string();
    if (Status s = ParseConstraintTemplate(tdoc, origin, &tmpl); !s.ok()) {
      return s.WithContext(origin);
    }
    // A template must compile on its own, before any constraint exists.
    PolicySource probe;
    PolicySpec bare;
    bare.name = tmpl.name.empty() ? tmpl.kind : tmpl.name;
    bare.rego_version = tmpl.rego_version;
    bare.modules = tmpl.modules;
    // Compile errors also point into the template file (rego: | blocks).
    for (const PolicyModule& m : tmpl.modules) {
      uint32_t line = 0, col = 0;
      if (FindLiteralBlock(ttext, 0, m.rego, &line, &col)) {
        probe.origins.push_back({m.name, origin, line, col});
      }
    }
    probe.policies.push_back(std::move(bare));
    std::shared_ptr<const Revision> rev;
    FEDRA_RETURN_IF_ERROR(Build(std::move(probe), {}, &rev));
    *stage = "constraint";
    FEDRA_RETURN_IF_ERROR(LoadOne(dir, test, "constraint", &cdoc));
    std::string corigin = (dir / Str(test, "constraint")).string();
    if (Status s = ConstraintToPolicy(tmpl, cdoc, spec); !s.ok()) return s.WithContext(corigin);
    return Status::OK();
  }

  void RunTest(const fs::path& dir, const Value& test, size_t index) {
    std::string name = Str(test, "name");
    if (name.empty()) name = "test" + std::to_string(index);
    Value cases = Member(test, "cases");
    size_t ncases = cases.is_array() ? cases.size() : 0;
    if (!Selected(name) && !AnyCaseSelected(name, cases)) return;
    print_("=== test " + name);
    if (Flag(test, "skip")) {
      int n = static_cast<int>(std::max<size_t>(ncases, 1));
      counts_->skipped += n;
      print_("skip  " + name + " (" + std::to_string(n) + " cases)");
      return;
    }
    const bool invalid_template = Flag(test, "invalidTemplate");
    const bool invalid_constraint = Flag(test, "invalidConstraint");
    PolicySpec spec;
    std::string stage;
    Status s = LoadPolicy(dir, test, &spec, &stage);
    std::shared_ptr<const Revision> base;
    if (s.ok()) {
      PolicySource src;
      src.policies.push_back(spec);
      s = Build(std::move(src), {}, &base);
      if (!s.ok()) stage = "constraint";
    }
    if (invalid_template || invalid_constraint) {
      std::string want = invalid_template ? "template" : "constraint";
      if (!s.ok() && stage == want) {
        Pass(name + " (invalid " + want + " rejected: " + FirstLine(Text(s)) + ")");
      } else if (s.ok()) {
        Fail(name, "expected the " + want + " to be rejected, but it was accepted");
      } else {
        Fail(name,
             "expected the " + want + " to be rejected, but the " + stage + " was: " + Text(s));
      }
      return;
    }
    if (!s.ok()) {
      Fail(name, stage + ": " + Text(s));
      return;
    }
    if (cases.defined() && !cases.is_array()) {
      Fail(name, "cases: expected an array");
      return;
    }
    for (size_t i = 0; i < ncases; ++i) RunCase(dir, name, spec, base, cases.array()[i], i);
  }

  bool AnyCaseSelected(const std::string& test, const Value& cases) const {
    if (!cases.is_array()) return false;
    for (size_t i = 0; i < cases.size(); ++i) {
      std::string c = Str(cases.array()[i], "name");
      if (Selected(test + "/" + (c.empty() ? "case" + std::to_string(i) : c))) return true;
    }
    return false;
  }

  void RunCase(const fs::path& dir, const std::string& test, const PolicySpec& spec,
               const std::shared_ptr<const Revision>& base, const Value& c, size_t index) {
    std::string cname = Str(c, "name");
    std::string name = test + "/" + (cname.empty() ? "case" + std::to_string(index) : cname);
    if (!Selected(name) && !Selected(test)) return;
    if (Flag(c, "skip")) {
      ++counts_->skipped;
      print_("skip  " + name);
      return;
    }
    Value object;
    if (Status s = LoadOne(dir, c, "object", &object); !s.ok()) {
      Fail(name, Text(s));
      return;
    }
    std::shared_ptr<const Revision> rev = base;
    Value inventory_files = Member(c, "inventory");
    if (inventory_files.is_array() && !inventory_files.empty()) {
      Value inventory = Value::EmptyObject();
      for (const Value& f : inventory_files.array()) {
        if (!f.is_string()) {
          Fail(name, "inventory: expected file names");
          return;
        }
        std::vector<Value> docs;
        Status s = ReadDocuments((dir / std::string(f.str())).string(), &docs);
        for (size_t k = 0; s.ok() && k < docs.size(); ++k) s = AddToInventory(docs[k], &inventory);
        if (!s.ok()) {
          Fail(name, "inventory " + std::string(f.str()) + ": " + Text(s));
          return;
        }
      }
      PolicySource src;
      src.policies.push_back(spec);
      src.data = Value::Object({{Value::String("inventory"), inventory}});
      if (Status s = Build(std::move(src), {}, &rev); !s.ok()) {
        Fail(name, Text(s));
        return;
      }
    }
    Value review;
    if (Status s = ReviewForObject(object, "verify-" + std::to_string(index), &review); !s.ok()) {
      Fail(name, "object: " + Text(s));
      return;
    }
    AdmitResult result;
    if (Status s = rev->Admit(review, {}, &result); !s.ok()) {
      Fail(name, "review: " + Text(s));
      return;
    }
    std::vector<std::string> messages;
    for (const PolicyDecision& d : result.decisions) {
      if (!d.error.ok()) {
        Fail(name, "evaluation error: " + Text(d.error));
        return;
      }
      for (const Violation& v : d.violations) messages.push_back(v.message);
    }
    Value assertions = Member(c, "assertions");
    std::vector<Assertion> parsed;
    if (assertions.is_array()) {
      parsed.resize(assertions.size());
      for (size_t i = 0; i < assertions.size(); ++i) {
        if (Status s = ParseAssertion(assertions.array()[i], i, &parsed[i]); !s.ok()) {
          Fail(name, Text(s));
          return;
        }
      }
    } else if (assertions.defined() && !assertions.is_null()) {
      Fail(name, "assertions: expected an array");
      return;
    }
    for (size_t i = 0; i < parsed.size(); ++i) {
      const Assertion& a = parsed[i];
      int64_t n = 0;
      for (const std::string& m : messages) {
        if (!a.re || RE2::PartialMatch(m, *a.re)) ++n;
      }
      bool ok = a.want == Assertion::Want::kYes  ? n > 0
                : a.want == Assertion::Want::kNo ? n == 0
                                                 : n == a.count;
      if (!ok) {
        Fail(name, "assertion " + std::to_string(i + 1) + ": want " + Describe(a) + ", got " +
                       std::to_string(n) + Violations(messages));
        return;
      }
    }
    Pass(name + (options_.verbose ? Violations(messages) : std::string()));
  }

  static std::string Violations(const std::vector<std::string>& messages) {
    if (messages.empty()) return " (no violations)";
    std::string out = " (" + std::to_string(messages.size()) + " violations:";
    for (const std::string& m : messages) out += " \"" + m + "\"";
    return out + ")";
  }

  static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

  void Pass(const std::string& what) {
    ++counts_->passed;
    print_("ok    " + what);
  }

  const VerifyOptions& options_;
  const std::function<void(std::string_view)>& print_;
  VerifyCounts* counts_;
  const RE2* run_;
};

// Suite files under `path`, sorted; parse failures of files that mention the
// suite apiVersion are reported as failures through `broken`.
Status FindSuites(const std::string& path, std::vector<std::pair<std::string, Value>>* suites,
                  std::vector<std::pair<std::string, Status>>* broken) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such file or directory");
  std::vector<fs::path> files;
  bool explicit_file = !fs::is_directory(path, ec);
  if (explicit_file) {
    files.push_back(path);
  } else {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
    }
    if (ec) return Status::IoError(path + ": " + ec.message());
    std::sort(files.begin(), files.end());
  }
  for (const fs::path& f : files) {
    std::string text;
    Status s = tools::ReadFile(f.string(), &text, 16u << 20);
    std::vector<Value> docs;
    if (s.ok()) s = ParseDocuments(text, f.string(), &docs);
    if (!s.ok()) {
      if (explicit_file || text.find(kSuiteApiVersion) != std::string::npos) {
        broken->emplace_back(f.string(), s);
      }
      continue;
    }
    bool found = false;
    for (const Value& d : docs) {
      if (IsSuite(d)) {
        suites->emplace_back(f.string(), d);
        found = true;
      }
    }
    if (explicit_file && !found) {
      broken->emplace_back(
          f.string(),
          Status::InvalidArgument("no Suite (" + std::string(kSuiteApiVersion) + ") in this file"));
    }
  }
  return Status::OK();
}

}  // namespace

Status Verify(const std::vector<std::string>& paths, const VerifyOptions& options,
              const std::function<void(std::string_view)>& print, VerifyCounts* counts) {
  *counts = VerifyCounts{};
  std::unique_ptr<RE2> run;
  if (!options.run.empty()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    run = std::make_unique<RE2>(options.run, opts);
    if (!run->ok()) return Status::InvalidArgument("--run: " + run->error());
  }
  std::vector<std::pair<std::string, Value>> suites;
  std::vector<std::pair<std::string, Status>> broken;
  for (const std::string& p : paths) FEDRA_RETURN_IF_ERROR(FindSuites(p, &suites, &broken));
  Runner runner(options, print, counts, run.get());
  for (const auto& [file, st] : broken) runner.Fail(file, Text(st));
  for (const auto& [file, suite] : suites) runner.RunSuite(file, suite);
  return Status::OK();
}

}  // namespace fedra::admission
