// fedra conformance: run OPA's YAML conformance cases and report.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "tools/conformance.h"
#include "tools/file_util.h"

namespace fedra::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kHelp[] =
    "usage: fedra conformance [flags] PATH...\n"
    "\n"
    "Runs OPA's YAML test cases (every .yaml/.yml file under each PATH) and\n"
    "compares results as OPA's runner does. Prints a per-folder PASS/FAIL table,\n"
    "the builtins that failing cases call but Fedra lacks, and, as its last line,\n"
    "`N passed, N failed, N skipped`. Files under a `v0` directory parse as Rego v0.\n"
    "\n"
    "flags:\n"
    "      --json FILE          write one record per case (file, note, status, reason)\n"
    "      --skip FILE          cases to skip: one note or file path per line, `#`\n"
    "                           comments give the reason\n"
    "      --ratchet FILE       cases that must pass (same format); any that does not\n"
    "                           makes the exit status 1\n"
    "      --write-passing FILE write the notes whose cases all passed (a ratchet file)\n"
    "      --capabilities FILE  OPA capabilities.json (default: looked up next to and\n"
    "                           above each PATH)\n"
    "      --timeout DUR        evaluation deadline per case (default 10s)\n"
    "      --v0                 parse every case as Rego v0\n"
    "      --no-fork            run cases in this process (for debuggers); a crash or\n"
    "                           a hang outside evaluation then stops the run\n"
    "  -v, --verbose            print every failing case with its reason\n"
    "  -h, --help               this help\n"
    "\n"
    "exit codes: 0 the run completed and every ratchet case passed (other cases may\n"
    "fail), 1 a ratchet case did not pass or a file could not be read, 2 usage error.\n";

std::string FindCapabilities(const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    std::error_code ec;
    fs::path dir = fs::absolute(root, ec);
    if (ec) continue;
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    for (int up = 0; up < 4 && !dir.empty(); ++up) {
      fs::path candidate = dir / "capabilities.json";
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
  }
  return "";
}

// Notes every case of which passed, for --write-passing.
std::string PassingNotes(const std::vector<tools::CaseResult>& results) {
  std::set<std::string> all, failed;
  for (const tools::CaseResult& r : results) {
    all.insert(r.note);
    if (r.status != tools::CaseStatus::kPass) failed.insert(r.note);
  }
  std::string out =
      "# Conformance cases that must keep passing (the ratchet): one case note or file\n"
      "# path per line. Written by `fedra conformance --write-passing`; only ever add.\n";
  for (const std::string& note : all) {
    if (!failed.count(note) && !note.empty() && note[0] != '#') out += note + "\n";
  }
  return out;
}

// Returns the number of ratchet cases that did not pass, after printing them.
size_t CheckRatchet(const tools::CaseList& ratchet, const std::string& path,
                    const std::vector<tools::CaseResult>& results) {
  std::vector<bool> used(ratchet.size(), false);
  std::vector<const tools::CaseResult*> broken;
  for (const tools::CaseResult& r : results) {
    std::vector<size_t> hits = ratchet.MatchAll(r.file, r.note);
    for (size_t h : hits) used[h] = true;
    if (!hits.empty() && r.status != tools::CaseStatus::kPass) broken.push_back(&r);
  }
  size_t matched = static_cast<size_t>(std::count(used.begin(), used.end(), true));
  std::printf("ratchet: %zu of %zu entries in %s match cases in this run\n", matched,
              ratchet.size(), path.c_str());
  if (!broken.empty()) {
    std::printf("ratchet: %zu case%s listed in %s did not pass:\n", broken.size(),
                broken.size() == 1 ? "" : "s", path.c_str());
    for (const tools::CaseResult* r : broken) {
      std::printf("  %s (%s): %s: %s\n", r->note.c_str(), r->file.c_str(),
                  std::string(tools::CaseStatusName(r->status)).c_str(), r->reason.c_str());
    }
  }
  return broken.size();
}

}  // namespace

int RunConformance(const std::vector<std::string>& args) {
  std::string json_path, skip_path, ratchet_path, passing_path, caps_path, timeout_text;
  bool v0 = false, no_fork = false, verbose = false;
  Flags flags;
  flags.String("--json", &json_path);
  flags.String("--skip", &skip_path);
  flags.String("--ratchet", &ratchet_path);
  flags.String("--write-passing", &passing_path);
  flags.String("--capabilities", &caps_path);
  flags.String("--timeout", &timeout_text);
  flags.Bool("--v0", &v0);
  flags.Bool("--no-fork", &no_fork);
  flags.Bool("-v,--verbose", &verbose);
  std::vector<std::string> roots;
  if (std::string err = flags.Parse(args, &roots); !err.empty()) {
    return UsageError("conformance", err);
  }
  if (flags.help()) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (roots.empty()) return UsageError("conformance", "missing PATH");
  tools::RunOptions options;
  if (!timeout_text.empty() && !ParseDuration(timeout_text, &options.timeout)) {
    return UsageError("conformance", "bad --timeout \"" + timeout_text + "\"");
  }
  options.force_v0 = v0;
  options.isolate = !no_fork;

  tools::CaseList skip, ratchet;
  if (!skip_path.empty()) {
    if (Status st = tools::CaseList::Load(skip_path, &skip); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
    options.skip = &skip;
  }
  if (!ratchet_path.empty()) {
    if (Status st = tools::CaseList::Load(ratchet_path, &ratchet); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
  }

  std::vector<tools::CaseFile> files;
  if (Status st = tools::FindCaseFiles(roots, &files); !st.ok()) {
    PrintError(st);
    return kExitFailure;
  }
  std::vector<tools::ConformanceCase> cases;
  for (const tools::CaseFile& f : files) {
    if (Status st = tools::LoadCaseFile(f, v0, &cases); !st.ok()) {
      PrintError(st);
      return kExitFailure;
    }
  }
  if (cases.empty()) {
    std::fprintf(stderr, "fedra conformance: no cases found under the given paths\n");
  }

  const bool progress = isatty(STDERR_FILENO) != 0;
  size_t done = 0;
  options.on_result = [&](const tools::CaseResult& r) {
    ++done;
    if (progress)
      std::fprintf(stderr, "\r[%zu/%zu] %-50.50s", done, cases.size(), r.folder.c_str());
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<tools::CaseResult> results = tools::RunCases(cases, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (progress) std::fprintf(stderr, "\r%80s\r", "");

  if (verbose) {
    for (const tools::CaseResult& r : results) {
      if (r.status != tools::CaseStatus::kFail) continue;
      std::printf("FAIL %s (%s): %s\n", r.note.c_str(), r.file.c_str(), r.reason.c_str());
    }
    std::printf("\n");
  }
  std::fputs(tools::FormatTable(tools::SummarizeByFolder(results)).c_str(), stdout);

  if (caps_path.empty()) caps_path = FindCapabilities(roots);
  std::printf("\n");
  if (caps_path.empty()) {
    std::printf("missing builtins: no capabilities.json found (use --capabilities)\n");
  } else {
    std::vector<std::string> names;
    if (Status st = tools::LoadCapabilityNames(caps_path, &names); !st.ok()) {
      std::printf("missing builtins: %s\n", st.ToString().c_str());
    } else {
      auto missing = tools::MissingBuiltins(cases, results, names);
      std::printf("builtins called by failing cases that Fedra lacks: %zu\n", missing.size());
      for (const auto& [name, count] : missing) {
        std::printf("  %-40s %zu case%s\n", name.c_str(), count, count == 1 ? "" : "s");
      }
    }
  }

  int exit_code = kExitOk;
  if (!json_path.empty()) {
    if (Status st = tools::WriteFile(json_path, tools::ResultsToJson(results)); !st.ok()) {
      PrintError(st);
      exit_code = kExitFailure;
    }
  }
  if (!passing_path.empty()) {
    if (Status st = tools::WriteFile(passing_path, PassingNotes(results)); !st.ok()) {
      PrintError(st);
      exit_code = kExitFailure;
    }
  }
  std::printf("\n");
  if (!ratchet_path.empty() && CheckRatchet(ratchet, ratchet_path, results) > 0) {
    exit_code = kExitFailure;
  }
  std::printf("time: %.1f s for %zu cases\n", seconds, results.size());
  std::printf("%s\n", tools::SummaryLine(results).c_str());
  return exit_code;
}

}  // namespace fedra::cli
