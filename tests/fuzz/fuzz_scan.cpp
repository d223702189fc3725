// fuzz_scan: the matcher and classifier (FileScanner::scan_bytes with the built-in rules) on arbitrary
// bytes. This is the code every scanned file goes through, so it must neither crash nor mis-report on
// hostile content, and it carries the product's main promise: without --show-secrets no report holds a
// secret. Each input is scanned by a redacting engine and by one that shows secrets; the two must agree on
// everything but the secret, every position must lie inside the input, and the JSON, text and SARIF
// reports of the redacting scan must not contain the value of any finding that the showing scan reports.
// Inputs holding `@@...@@` fake-token templates are also scanned expanded, so committed seeds can stay
// template-only.
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

const RuleSet& rules() {
  static const RuleSet set = load_rules({});
  return set;
}

struct Engines {
  ScanEngine redacted{rules(), DecodeMode::on, SecretDisplay::redacted};
  ScanEngine shown{rules(), DecodeMode::on, SecretDisplay::shown};
  ScanEngine no_decode{rules(), DecodeMode::off, SecretDisplay::redacted};
};

const Engines& engines() {
  static const Engines e;
  return e;
}

// A FileScanner reads at least this much per window (FileScanner::overlap); with it, inputs longer than
// chunk + 2 * overlap bytes are read in several windows.
constexpr size_t small_chunk = FileScanner::overlap;

// Reused across inputs, as a worker reuses its scanner: each allocates its window once.
struct Scanners {
  FileScanner redacted{engines().redacted}, shown{engines().shown}, no_decode{engines().no_decode};
  FileScanner chunked{engines().shown, small_chunk};
};

Scanners& scanners() {
  static Scanners s;
  return s;
}

// Shorter values are not secrets worth the name (and would match report boilerplate by chance).
constexpr size_t min_secret_length = 12;

bool has_reason(const Finding& f, std::string_view reason) {
  return std::find(f.reasons.begin(), f.reasons.end(), reason) != f.reasons.end();
}

// The json, text and sarif reports of the findings, without --show-secrets. SARIF without the rule list
// (the descriptors of the rules the findings name are still written): the fixed descriptors of every
// rule hold nothing from the input and would cost most of the time of a run.
std::string reports(const std::vector<Finding>& findings, bool all_formats = true) {
  Report report;
  report.findings = findings;
  ReportContext ctx;
  std::ostringstream out;
  write_json(out, report, ctx);
  if (all_formats) {
    write_text(out, report, ctx);
    write_sarif(out, report, ctx);
  }
  return out.str();
}

// A value as it would appear inside a JSON string (escapes for quotes, backslashes, control bytes).
std::string json_escaped(const std::string& s) {
  std::string dumped = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

bool report_leaks(const std::string& report, const std::string& secret) {
  return report.find(secret) != std::string::npos || report.find(json_escaped(secret)) != std::string::npos;
}

void check_no_leak(const FileOutcome& redacted, const FileOutcome& shown) {
  // No secret in the redacted reports. Values that carry no secret by design are exempt (masked values
  // and bare token ids are shown as they are), and so is a value that the reports hold anyway: in their
  // fixed text (rule ids and descriptions) or in a public field (token id, type, reasons) of any finding.
  auto candidate = [](const Finding& f) {
    return f.secret.size() >= min_secret_length && !has_reason(f, "masked") && !has_reason(f, "identifier-only");
  };
  if (std::none_of(shown.findings.begin(), shown.findings.end(), candidate)) return;
  static const std::string boilerplate = [] {
    Report empty;
    ReportContext ctx;
    ctx.rules = &rules();
    std::ostringstream out;
    write_sarif(out, empty, ctx);
    return reports({}) + out.str();
  }();
  std::string public_text = boilerplate;
  for (const Finding& g : shown.findings) {
    // A token id and its dot are the public start of a redacted form ("<token id>.****"), so a value that
    // is no more than that (no secret part at all) is public. The rest of the redacted form is not: a
    // value found there is exactly the leak this target looks for.
    // The fingerprint (SHA-256 hex) is public too: a hex value that happens to lie inside one is no leak
    // (libFuzzer copies compared strings into inputs, so it finds such values), and so is SARIF's
    // partialFingerprints id, the SHA-256 of "fingerprint:rule_id:path".
    public_text += '\n' + g.token_id + ".\n" + g.fingerprint + '\n' + g.token_type + '\n' + g.rule_id;
    public_text += '\n' + sha256_hex(g.fingerprint + ':' + g.rule_id + ':' + g.path);
    for (const auto& r : g.reasons)
      public_text += '\n' + r;
  }
  const std::string report = reports(redacted.findings);
  for (size_t i = 0; i < shown.findings.size(); ++i) {
    const Finding& f = shown.findings[i];
    if (!candidate(f) || public_text.find(f.secret) != std::string::npos) continue;
    FUZZ_CHECK_MSG(!report_leaks(report, f.secret),
                   "a redacted report holds the secret \"" + escaped(f.secret) + "\" of " + f.rule_id);
    // The finding's own entry must not hold the part of the value after its token id either.
    std::string_view own = f.secret;
    if (!f.token_id.empty() && own.starts_with(f.token_id)) own.remove_prefix(f.token_id.size());
    if (own.size() >= min_secret_length && public_text.find(own) == std::string::npos) {
      const std::string alone = reports({redacted.findings[i]}, false);
      FUZZ_CHECK_MSG(!report_leaks(alone, std::string(own)),
                     "the redacted finding holds the secret part \"" + escaped(own) + "\" of " + f.rule_id);
    }
  }
}

void check_input(std::string_view text) {
  const std::string path = "src/app.env";
  const FileOutcome redacted = scanners().redacted.scan_bytes(text, path);
  const FileOutcome shown = scanners().shown.scan_bytes(text, path);
  check_findings(text, redacted, SecretDisplay::redacted);
  check_findings(text, shown, SecretDisplay::shown);

  // Showing secrets changes nothing but the secret field.
  FUZZ_CHECK(redacted.findings.size() == shown.findings.size());
  FUZZ_CHECK(redacted.suppressed == shown.suppressed);
  for (size_t i = 0; i < shown.findings.size(); ++i) {
    const Finding& a = redacted.findings[i];
    const Finding& b = shown.findings[i];
    FUZZ_CHECK(a.rule_id == b.rule_id && a.token_type == b.token_type && a.severity == b.severity &&
               a.reasons == b.reasons && a.line == b.line && a.column == b.column && a.end_line == b.end_line &&
               a.end_column == b.end_column && a.token_id == b.token_id && a.redacted == b.redacted &&
               a.fingerprint == b.fingerprint && a.decoded == b.decoded);
    FUZZ_CHECK(!a.redacted.empty());
  }
  check_no_leak(redacted, shown);

  // Without decoding, and (for long inputs) read in several small windows: the same bounds hold.
  check_findings(text, scanners().no_decode.scan_bytes(text, path), SecretDisplay::redacted);
  if (text.size() > small_chunk + 2 * FileScanner::overlap)
    check_findings(text, scanners().chunked.scan_bytes(text, path), SecretDisplay::shown, false);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_input(text);
  // Templates: only small inputs with few expressions (each may expand to 64 KiB).
  if (size <= 4096 && text.find("@@") != std::string_view::npos) {
    size_t expressions = 0;
    for (size_t p = text.find("@@"); p != std::string_view::npos; p = text.find("@@", p + 2))
      ++expressions;
    if (expressions <= 64) {
      std::string expanded;
      try {
        expanded = expand_fake_tokens(text, "fuzz");
      } catch (const FatalError&) {
        return 0; // not a well-formed template: the raw bytes were scanned above
      }
      if (expanded.size() <= (size_t{1} << 18)) check_input(expanded);
    }
  }
  return 0;
}
