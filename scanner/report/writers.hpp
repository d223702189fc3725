// Report writers: text, json, jsonl and sarif over one Report value (SPEC §5). Writers only format;
// they never scan, and they never print a secret unless the context says --show-secrets (then
// Finding::secret is non-empty and is written as "secret").
#pragma once

#include "scanner/finding.hpp"
#include "scanner/rules.hpp"

#include <ostream>
#include <string>

namespace dtscan {

struct ReportContext {
  const RuleSet* rules = nullptr; // every rule is listed once in SARIF tool.driver.rules
  bool show_secrets = false;
  bool color = false; // text only: ANSI colours for the severity
  std::string version = DTSCAN_VERSION;
  // SARIF: run.automationDetails.id is "<category>/"; GitHub keeps one set of alerts per category, so
  // uploads of different kinds (scan, git range, ...) do not close each other's alerts.
  std::string sarif_category = "dtscan";
  // SARIF: report paths that are relative are relative to `sarif_base` (the scanned directory or the
  // repository's work tree). Artifact URIs are made relative to `sarif_root` (%SRCROOT%, --sarif-root,
  // default the current directory) where the file lies under it, and absolute file:// URIs where not.
  // Both absolute; empty: paths are written as they are, relative to an unstated %SRCROOT%.
  std::string sarif_base;
  std::string sarif_root;
};

void write_text(std::ostream& out, const Report& report, const ReportContext& ctx);
std::string summary_line(const Report& report); // the text report's last line, with its newline
void write_json(std::ostream& out, const Report& report, const ReportContext& ctx);
void write_sarif(std::ostream& out, const Report& report, const ReportContext& ctx);

// jsonl streams: one finding per line as it is found, then one {"summary": ...} line.
class JsonlWriter {
public:
  JsonlWriter(std::ostream& out, const ReportContext& ctx) : m_out(out), m_ctx(ctx) {}
  void finding(const Finding& f);
  void finish(const Summary& s);

private:
  std::ostream& m_out;
  const ReportContext& m_ctx;
};

} // namespace dtscan
