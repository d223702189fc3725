// fuzz_report: the text, json, jsonl and sarif writers fed findings whose every string (path, rule id,
// token id, reasons, commit, ...) is arbitrary bytes from the input. Paths in scanned trees and git
// histories are attacker-chosen (newlines, quotes, invalid UTF-8), and the reports are read by machines:
// every JSON format must parse (paths coming back as json_normalized of the bytes, SARIF URIs decoding
// back to the bytes), the text report must stay one line per finding plus the summary line, and without
// --show-secrets the secret field must not influence any report at all.
#include "fuzz_common.hpp"

#include "scanner/json_file.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/rules.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <sstream>

using namespace dtscan;
using namespace dtscan::fuzz;
using nlohmann::json;

namespace {

const RuleSet& rules() {
  static const RuleSet set = load_rules({});
  return set;
}

Finding read_finding(Reader& in) {
  Finding f;
  const uint8_t kind = in.byte();
  // Mostly a built-in rule id (so SARIF refers to the rule list), sometimes arbitrary bytes.
  f.rule_id = kind & 1 ? in.string() : rules().rules[kind % rules().rules.size()].id;
  f.token_type = in.string();
  f.severity = static_cast<Severity>(in.byte() % 5);
  for (size_t n = in.byte() % 4; n > 0; --n)
    f.reasons.push_back(in.string());
  f.path = in.string();
  f.line = in.number(kind & 2 ? 8 : 2);
  f.column = in.number(kind & 2 ? 8 : 2);
  f.end_line = f.line + in.byte();
  f.end_column = in.number(2);
  f.char_column = in.number(1);
  f.char_end_column = in.number(1);
  f.token_id = in.string();
  f.redacted = in.string();
  f.fingerprint = in.string();
  f.secret = in.string();
  f.decoded = static_cast<Decoding>(in.byte() % 3);
  if (kind & 4) f.commit = in.string();
  if (kind & 8) f.repository = in.string();
  return f;
}

std::string normalized(const std::string& s) {
  return json_normalized(s);
}

// %XX escapes back to bytes.
std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Outputs {
  std::string text, text_color, json, jsonl, sarif;
};

// with_rules: SARIF lists every built-in rule (else only those the findings name); half the inputs do
// without, since the fixed descriptors cost most of the time of a run.
Outputs write_all(const Report& report, bool show_secrets, bool with_rules) {
  ReportContext ctx;
  ctx.rules = with_rules ? &rules() : nullptr;
  ctx.show_secrets = show_secrets;
  Outputs o;
  std::ostringstream text, color, js, jsonl, sarif;
  write_text(text, report, ctx);
  ReportContext colored = ctx;
  colored.color = true;
  write_text(color, report, colored);
  write_json(js, report, ctx);
  JsonlWriter lines(jsonl, ctx);
  for (const Finding& f : report.findings)
    lines.finding(f);
  lines.finish(report.summary);
  write_sarif(sarif, report, ctx);
  return {text.str(), color.str(), js.str(), jsonl.str(), sarif.str()};
}

json parse(const std::string& text, const char* format) {
  json doc = json::parse(text, nullptr, false);
  FUZZ_CHECK_MSG(!doc.is_discarded(), std::string("the ") + format + " report is not JSON: " + escaped(text));
  return doc;
}

void check_text(const std::string& text, const Report& report, bool color) {
  FUZZ_CHECK(!text.empty() && text.back() == '\n');
  FUZZ_CHECK_MSG(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) == report.findings.size() + 1,
                 "not one line per finding: " + escaped(text));
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    FUZZ_CHECK_MSG(b >= 0x20 || b == '\n' || (color && b == 0x1b), "a control byte in the text report");
    FUZZ_CHECK(b != 0x7f);
  }
  FUZZ_CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1).starts_with("dtscan: "));
}

void check_outputs(const Outputs& o, const Report& report, bool show_secrets) {
  const size_t n = report.findings.size();
  check_text(o.text, report, false);
  check_text(o.text_color, report, true);

  json doc = parse(o.json, "json");
  FUZZ_CHECK(doc["schema"] == "dtscan/report/v1");
  FUZZ_CHECK(doc["findings"].size() == n);
  for (size_t i = 0; i < n; ++i) {
    const Finding& f = report.findings[i];
    const json& j = doc["findings"][i];
    FUZZ_CHECK(j["path"] == normalized(f.path));
    FUZZ_CHECK(j["rule_id"] == normalized(f.rule_id));
    FUZZ_CHECK(j["line"] == f.line && j["column"] == f.column);
    FUZZ_CHECK(j.contains("secret") == (show_secrets && !f.secret.empty()));
    if (j.contains("secret")) FUZZ_CHECK(j["secret"] == normalized(f.secret));
  }
  FUZZ_CHECK(doc["summary"]["files_scanned"] == report.summary.files_scanned);

  size_t lines = 0;
  std::istringstream in(o.jsonl);
  for (std::string line; std::getline(in, line); ++lines) {
    json j = parse(line, "jsonl");
    if (lines < n) {
      FUZZ_CHECK(j["path"] == normalized(report.findings[lines].path));
    } else {
      FUZZ_CHECK(j.size() == 1 && j.contains("summary"));
    }
  }
  FUZZ_CHECK_MSG(lines == n + 1, "jsonl: " + std::to_string(lines) + " lines for " + std::to_string(n) + " findings");

  json sarif = parse(o.sarif, "sarif");
  FUZZ_CHECK(sarif["version"] == "2.1.0");
  const json& run = sarif["runs"][0];
  const json& descriptors = run["tool"]["driver"]["rules"];
  FUZZ_CHECK(run["results"].size() == n);
  for (size_t i = 0; i < n; ++i) {
    const Finding& f = report.findings[i];
    const json& r = run["results"][i];
    const size_t index = r["ruleIndex"].get<size_t>();
    FUZZ_CHECK(index < descriptors.size() && descriptors[index]["id"] == r["ruleId"]);
    // Results point at the descriptor of their rule and severity, "<rule>/<severity>".
    FUZZ_CHECK(r["ruleId"] == normalized(f.rule_id + "/" + std::string(to_string(f.severity))));
    const json& artifact = r["locations"][0]["physicalLocation"]["artifactLocation"];
    std::string uri = artifact["uri"].get<std::string>();
    // An audit finding's URI is its repository's path then its path in the repository. An absolute path
    // is a file:// URI without a base; any other is relative to %SRCROOT%.
    const bool in_repository = f.repository && !f.repository->empty() && *f.repository != ".";
    const std::string full = in_repository ? *f.repository + "/" + f.path : f.path;
    const bool absolute = !full.empty() && full.front() == '/';
    FUZZ_CHECK(artifact.contains("uriBaseId") == !absolute);
    if (absolute) {
      FUZZ_CHECK_MSG(uri.starts_with("file:///"), "SARIF uri \"" + escaped(uri) + "\" for an absolute path");
      uri.erase(0, 7);
    }
    for (char c : uri)
      FUZZ_CHECK_MSG(std::isalnum(static_cast<unsigned char>(c)) ||
                         std::string_view("-._~/%").find(c) != std::string_view::npos,
                     "SARIF uri \"" + escaped(uri) + "\"");
    FUZZ_CHECK_MSG(percent_decode(uri) == full, "SARIF uri \"" + escaped(uri) + "\" for \"" + escaped(full) + "\"");
    FUZZ_CHECK(r["properties"].contains("secret") == (show_secrets && !f.secret.empty()));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const uint8_t flags = in.byte();
  Report report;
  for (size_t n = flags % 8; n > 0; --n)
    report.findings.push_back(read_finding(in));
  report.summary.files_scanned = in.number(8);
  report.summary.bytes_scanned = in.number(8);
  report.summary.files_skipped = in.number(2);
  report.summary.errors = in.number(2);
  report.summary.suppressed = in.number(2);
  for (auto& count : report.summary.by_severity)
    count = in.number(1);

  const bool show_secrets = flags & 8, with_rules = flags & 16;
  const Outputs outputs = write_all(report, show_secrets, with_rules);
  check_outputs(outputs, report, show_secrets);

  // Without --show-secrets the secret field is not read: clearing it changes no byte of any report.
  if (!show_secrets) {
    Report cleared = report;
    for (Finding& f : cleared.findings)
      f.secret.clear();
    const Outputs again = write_all(cleared, false, with_rules);
    FUZZ_CHECK(again.text == outputs.text && again.text_color == outputs.text_color);
    FUZZ_CHECK(again.json == outputs.json && again.jsonl == outputs.jsonl && again.sarif == outputs.sarif);
  }
  return 0;
}
