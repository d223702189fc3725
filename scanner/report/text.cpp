// The default human report: one line per finding, then one summary line. Control bytes in any field
// are escaped so that a finding is always exactly one line, whatever the file name holds.
#include "scanner/report/writers.hpp"

#include "scanner/printable.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dtscan {

namespace {

std::string_view ansi_color(Severity s) {
  switch (s) {
  case Severity::critical: return "\x1b[1;31m";
  case Severity::high: return "\x1b[31m";
  case Severity::medium: return "\x1b[33m";
  case Severity::low: return "\x1b[36m";
  case Severity::info: return "\x1b[2m";
  }
  return "";
}

std::string severity_word(Severity s, bool color) {
  std::string word(to_string(s));
  for (char& c : word)
    c = static_cast<char>(c - 'a' + 'A');
  return color ? fmt::format("{}{}\x1b[0m", ansi_color(s), word) : word;
}

std::string finding_line(const Finding& f, const ReportContext& ctx) {
  std::string line =
      fmt::format("{}:{}:{}: {} {} {}", printable(f.path), f.line, f.column, severity_word(f.severity, ctx.color),
                  printable(f.rule_id), printable(f.token_id.empty() ? f.redacted : f.token_id));
  if (!f.reasons.empty()) line += fmt::format(" ({})", printable(fmt::format("{}", fmt::join(f.reasons, ", "))));
  if (f.verification) { // --verify: "verified=active", "verified=unknown(timeout)"
    const Verification& v = *f.verification;
    line += fmt::format(" verified={}", to_string(v.status));
    if (v.status == Verification::Status::unknown && !v.detail.empty())
      line += fmt::format("({})", printable(v.detail));
  }
  if (f.commit) line += " in commit " + printable(f.commit->substr(0, 12)); // git mode: where it came in
  if (ctx.show_secrets && !f.secret.empty()) line += " secret=" + printable(f.secret);
  return line;
}

} // namespace

std::string summary_line(const Report& report) {
  const Summary& s = report.summary;
  auto count = [&](Severity sev) { return s.by_severity[static_cast<size_t>(sev)]; };
  const size_t n = report.findings.size();
  return fmt::format("dtscan: {} finding{} ({} critical, {} high, {} medium, {} low, {} info) in {} file{}, {} "
                     "bytes; {} skipped, {} error{}, {} suppressed\n",
                     n, n == 1 ? "" : "s", count(Severity::critical), count(Severity::high), count(Severity::medium),
                     count(Severity::low), count(Severity::info), s.files_scanned, s.files_scanned == 1 ? "" : "s",
                     s.bytes_scanned, s.files_skipped, s.errors, s.errors == 1 ? "" : "s", s.suppressed);
}

void write_text(std::ostream& out, const Report& report, const ReportContext& ctx) {
  for (const Finding& f : report.findings)
    out << finding_line(f, ctx) << '\n';
  out << summary_line(report);
  out.flush();
}

} // namespace dtscan
