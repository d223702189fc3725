// fuzz_rules: the rule-file loader on arbitrary text. `--rules FILE` is user input (and a repository may
// ship one), so a malformed file must end in one FatalError, never a crash, and whatever the loader accepts
// must be safe to use: a Matcher and a ScanEngine are built from it (alone, and appended to the built-in
// rules as load_rules does) and scan a fixed sample of fake tokens and the input itself, and a SARIF
// report describing the loaded rules must be valid JSON. The built-in rule file is a seed.
#include "fuzz_common.hpp"

#include "scanner/error.hpp"
#include "scanner/fake_tokens.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/rules.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

using namespace dtscan;
using namespace dtscan::fuzz;

namespace {

const RuleSet& builtin() {
  static const RuleSet set = load_rules({});
  return set;
}

// Fake tokens of every family in the contexts the built-in rules look for (expanded once).
const std::string& sample() {
  static const std::string text =
      expand_fake_tokens("DT_API_TOKEN=@@dt0c01@@\n"
                         "url: https://abc12345.live.dynatrace.com/api/v2/metrics?api-token=@@dt0c01@@\n"
                         "Authorization: Api-Token @@legacy:21@@\n"
                         "client_secret: @@tok:dt0s02:8@@ # dtscan:allow\n"
                         "agent: @@tok:dt0a01:abc12345@@ tenant: @@tenant:dt0a02@@\n"
                         "data: @@b64:dt0c01@@\n"
                         "proxy: /x?token=@@pct:dt0c01@@ id dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX\n",
                         "fuzz_rules");
  return text;
}

void scan_with(const RuleSet& set, std::string_view input) {
  for (DecodeMode mode : {DecodeMode::on, DecodeMode::off}) {
    ScanEngine engine(set, mode, SecretDisplay::shown);
    FileScanner scanner(engine, size_t{1} << 16); // a smaller window than 1 MiB, still one for every input
    const FileOutcome a = scanner.scan_bytes(sample(), "deploy/values.yaml");
    check_findings(sample(), a, SecretDisplay::shown);
    const FileOutcome b = scanner.scan_bytes(input, "rules.json");
    check_findings(input, b, SecretDisplay::shown);
    if (mode == DecodeMode::off) continue;
    // The rule descriptors (names, help, tags, security_severity) of a loaded set go into SARIF.
    Report report;
    report.findings = a.findings;
    ReportContext ctx;
    ctx.rules = &set;
    std::ostringstream out;
    write_sarif(out, report, ctx);
    auto doc = nlohmann::json::parse(out.str(), nullptr, false);
    FUZZ_CHECK_MSG(!doc.is_discarded(), "the SARIF report of a loaded rule set is not JSON");
    FUZZ_CHECK(doc["runs"][0]["tool"]["driver"]["rules"].size() >= set.rules.size());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  RuleSet set;
  try {
    set = parse_rules(text, "fuzz.json");
  } catch (const FatalError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("invalid rule file fuzz.json: "));
    return 0;
  }
  for (const Rule& r : set.rules) {
    FUZZ_CHECK(!r.id.empty() && !r.keywords.empty() && r.compiled_pattern);
    FUZZ_CHECK(r.not_followed_by.empty() || r.compiled_not_followed_by);
    for (const Keyword& k : r.keywords)
      FUZZ_CHECK(k.text.size() >= 3);
  }
  scan_with(set, text);

  // As `--rules FILE` adds it: after the built-in rules, whose ids it may not reuse.
  RuleSet combined = builtin();
  for (Rule& r : set.rules) {
    if (combined.find(r.id)) return 0; // load_rules refuses a duplicate id
    combined.rules.push_back(std::move(r));
  }
  scan_with(combined, text);
  return 0;
}
