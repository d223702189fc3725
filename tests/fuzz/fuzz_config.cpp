// fuzz_config: `.dtscan.json` and baseline parsing. Both files come from the scanned repository, which
// may be hostile, so any bytes must give either a value or one FatalError. A parsed baseline must
// round-trip (to_json, parsed again, gives the same text and contains every key it lists), and the
// exclude globs of a parsed config are compiled and matched against sample paths, including a deep one:
// a glob that backtracks exponentially would hang every scan of that repository (libFuzzer reports it as
// a timeout; regression seed regress-glob-double-star-backtracking).
#include "fuzz_common.hpp"

#include "scanner/baseline.hpp"
#include "scanner/config.hpp"
#include "scanner/error.hpp"
#include "scanner/sources/glob.hpp"

#include <nlohmann/json.hpp>

using namespace dtscan;
using namespace dtscan::fuzz;

namespace {

const std::vector<std::string>& sample_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> p{
        "src/app.env",   "vendor/lib/x.min.js", ".env", "a", "node_modules/pkg/index.js", "deploy/k8s/secret.yaml",
        "docs/README.md"};
    std::string deep;
    for (int i = 0; i < 40; ++i)
      deep += (i % 3 == 0 ? "a/" : i % 3 == 1 ? "bb/" : "x.y/");
    p.push_back(deep + "file.txt");
    return p;
  }();
  return paths;
}

void check_config(const std::string& text) {
  ProjectConfig c;
  try {
    c = parse_project_config(text, "repo/.dtscan.json");
  } catch (const FatalError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("invalid config file repo/.dtscan.json: "));
    return;
  }
  FUZZ_CHECK(c.path == "repo/.dtscan.json");
  for (const auto& g : c.exclude)
    FUZZ_CHECK(!g.empty());
  if (c.baseline) FUZZ_CHECK(c.baseline->starts_with("repo/") || c.baseline->starts_with("/"));
  ExcludeSet excludes(c.exclude);
  for (const auto& path : sample_paths()) {
    (void)excludes.excludes(path, EntryKind::file);
    (void)excludes.excludes(path, EntryKind::directory);
  }
  for (const auto& g : c.exclude) {
    (void)excludes.excludes(g, EntryKind::file); // the glob as a path too
    (void)glob_match(g, sample_paths().back());
    // A glob without special characters matches itself.
    if (g.find_first_of("*?[\\") == std::string::npos) FUZZ_CHECK(glob_match(g, g));
  }
}

void check_baseline(const std::string& text) {
  Baseline b;
  try {
    b = Baseline::parse(text, "base.json");
  } catch (const FatalError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("invalid baseline base.json: "));
    return;
  }
  const std::string written = b.to_json();
  FUZZ_CHECK(!written.empty() && written.back() == '\n');
  Baseline again;
  try {
    again = Baseline::parse(written, "written.json");
  } catch (const FatalError& e) {
    fail(__FILE__, __LINE__, "a written baseline does not parse", e.what());
  }
  FUZZ_CHECK(again.size() == b.size());
  FUZZ_CHECK_MSG(again.to_json() == written, "the baseline does not round-trip");
  const auto doc = nlohmann::json::parse(written);
  FUZZ_CHECK(doc["findings"].size() == b.size());
  for (const auto& e : doc["findings"]) {
    Finding f;
    f.fingerprint = e["fingerprint"].get<std::string>();
    f.rule_id = e["rule_id"].get<std::string>();
    f.path = e["path"].get<std::string>();
    f.line = 99; // never part of the key
    FUZZ_CHECK(b.contains(f));
  }
  // from_findings over those findings gives the same baseline.
  std::vector<Finding> findings;
  for (const auto& e : doc["findings"]) {
    Finding f;
    f.fingerprint = e["fingerprint"].get<std::string>();
    f.rule_id = e["rule_id"].get<std::string>();
    f.path = e["path"].get<std::string>();
    findings.push_back(std::move(f));
  }
  FUZZ_CHECK(Baseline::from_findings(findings).to_json() == written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_config(text);
  check_baseline(text);
  return 0;
}
