// Merging per-worker results; see results.hpp.
#include "scanner/results.hpp"

#include "scanner/printable.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace dtscan {

ResultCollector::ResultCollector(size_t slots, const ScanCallbacks& callbacks, const Baseline* baseline,
                                 ProgressCounters* also_files)
    : m_slots(slots), m_callbacks(callbacks), m_baseline(baseline), m_also_files(also_files) {}

void ResultCollector::warn(const std::string& message) {
  std::lock_guard lock(m_out_mutex);
  if (m_callbacks.warn) m_callbacks.warn(message);
}

void ResultCollector::error(size_t slot, const std::string& warning) {
  ++m_slots[slot].summary.errors;
  warn(warning);
}

void ResultCollector::record(size_t slot, FileOutcome&& outcome, std::string_view path,
                             const std::optional<std::string>& commit) {
  Slot& r = m_slots[slot];
  switch (outcome.status) {
  case FileOutcome::Status::binary: ++r.summary.files_skipped; return;
  case FileOutcome::Status::error:
    error(slot, fmt::format("dtscan: warning: cannot read '{}': {}", printable(path), outcome.error));
    return;
  case FileOutcome::Status::scanned: break;
  }
  ++r.summary.files_scanned;
  r.summary.bytes_scanned += outcome.bytes;
  m_progress.files.fetch_add(1, std::memory_order_relaxed);
  m_progress.bytes.fetch_add(outcome.bytes, std::memory_order_relaxed);
  if (m_also_files) {
    m_also_files->files.fetch_add(1, std::memory_order_relaxed);
    m_also_files->bytes.fetch_add(outcome.bytes, std::memory_order_relaxed);
  }
  r.summary.suppressed += outcome.suppressed;
  if (outcome.truncated_findings)
    warn(fmt::format("dtscan: warning: '{}': more than {} matches, the rest were not reported", printable(path),
                     FileScanner::max_findings_per_file));
  for (auto& f : outcome.findings) {
    if (commit) f.commit = commit;
    if (m_baseline && m_baseline->contains(f)) {
      ++r.summary.suppressed;
      r.baselined.push_back(std::move(f));
      continue;
    }
    ++r.summary.by_severity[static_cast<size_t>(f.severity)];
    m_progress.findings.fetch_add(1, std::memory_order_relaxed);
    if (m_callbacks.on_finding) {
      std::lock_guard lock(m_out_mutex);
      m_callbacks.on_finding(f);
    }
    r.findings.push_back(std::move(f));
  }
}

Report ResultCollector::finish(std::vector<Finding>* accepted) {
  Report report;
  for (auto& r : m_slots) {
    report.summary.files_scanned += r.summary.files_scanned;
    report.summary.bytes_scanned += r.summary.bytes_scanned;
    report.summary.files_skipped += r.summary.files_skipped;
    report.summary.errors += r.summary.errors;
    report.summary.suppressed += r.summary.suppressed;
    for (size_t i = 0; i < r.summary.by_severity.size(); ++i)
      report.summary.by_severity[i] += r.summary.by_severity[i];
    std::move(r.findings.begin(), r.findings.end(), std::back_inserter(report.findings));
    if (accepted) std::move(r.baselined.begin(), r.baselined.end(), std::back_inserter(*accepted));
    r = Slot{};
  }
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  if (accepted) std::sort(accepted->begin(), accepted->end(), finding_less);
  return report;
}

} // namespace dtscan
