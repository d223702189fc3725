// The default human report: one line per finding, then one summary line. Control bytes in any field
// are escaped so that a finding is always exactly one line, whatever the file name holds.
#include "scanner/report/writers.hpp"

#include "scanner/printable.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

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
  // audit: "repository: path:line:column: ...", the repository first as in the per-repository table.
  const std::string where =
      f.repository ? fmt::format("{}: {}", printable(*f.repository), printable(f.path)) : printable(f.path);
  std::string line = fmt::format("{}:{}:{}: {} {} {}", where, f.line, f.column, severity_word(f.severity, ctx.color),
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
  uint64_t n = 0; // counted, not the findings held: an audit's jsonl report holds none at the end
  for (uint64_t c : s.by_severity)
    n += c;
  return fmt::format("dtscan: {} finding{} ({} critical, {} high, {} medium, {} low, {} info) in {} file{}, {} "
                     "bytes; {} skipped, {} error{}, {} suppressed\n",
                     n, n == 1 ? "" : "s", count(Severity::critical), count(Severity::high), count(Severity::medium),
                     count(Severity::low), count(Severity::info), s.files_scanned, s.files_scanned == 1 ? "" : "s",
                     s.bytes_scanned, s.files_skipped, s.errors, s.errors == 1 ? "" : "s", s.suppressed);
}

// audit: the per-repository table, worst first, before the summary line.
void write_repository_table(std::ostream& out, const AuditSummary& audit) {
  size_t width = std::string_view("repository").size();
  for (const RepositorySummary& r : audit.repositories)
    width = std::max(width, printable(r.repository).size());
  out << fmt::format("\n{:<{}}  {:>8} {:>8} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5}  {:<8}  {}\n", "repository", width,
                     "commits", "blobs", "files", "crit", "high", "med", "low", "info", "worst", "error");
  for (const RepositorySummary& r : audit.repositories) {
    auto n = [&](Severity s) { return r.by_severity[static_cast<size_t>(s)]; };
    out << fmt::format("{:<{}}  {:>8} {:>8} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5}  {:<8}  {}\n", printable(r.repository),
                       width, r.commits, r.blobs, r.worktree_files, n(Severity::critical), n(Severity::high),
                       n(Severity::medium), n(Severity::low), n(Severity::info),
                       r.worst() ? to_string(*r.worst()) : std::string_view("-"), printable(r.error));
  }
  if (audit.interrupted) out << "dtscan: the audit was interrupted; the table holds the repositories finished\n";
}

void write_text(std::ostream& out, const Report& report, const ReportContext& ctx) {
  for (const Finding& f : report.findings)
    out << finding_line(f, ctx) << '\n';
  if (report.summary.audit) write_repository_table(out, *report.summary.audit);
  out << summary_line(report);
  out.flush();
}

} // namespace dtscan
