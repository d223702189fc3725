// Names of the finding enums and the report sort order, shared by every writer.
#include "scanner/finding.hpp"

#include <tuple>

namespace dtscan {

std::string_view to_string(Severity s) {
  switch (s) {
  case Severity::info: return "info";
  case Severity::low: return "low";
  case Severity::medium: return "medium";
  case Severity::high: return "high";
  case Severity::critical: return "critical";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity v : all_severities)
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::string_view to_string(Decoding d) {
  switch (d) {
  case Decoding::none: return "";
  case Decoding::base64: return "base64";
  case Decoding::percent: return "percent";
  }
  return "";
}

std::string_view to_string(Verification::Status s) {
  switch (s) {
  case Verification::Status::active: return "active";
  case Verification::Status::inactive: return "inactive";
  case Verification::Status::unknown: return "unknown";
  }
  return "unknown";
}

bool finding_less(const Finding& a, const Finding& b) {
  const std::string empty;
  const auto& ra = a.repository ? *a.repository : empty;
  const auto& rb = b.repository ? *b.repository : empty;
  return std::tie(ra, a.path, a.line, a.column, a.rule_id, a.end_line, a.end_column, a.fingerprint) <
         std::tie(rb, b.path, b.line, b.column, b.rule_id, b.end_line, b.end_column, b.fingerprint);
}

} // namespace dtscan

namespace dtscan {

std::optional<Severity> RepositorySummary::worst() const {
  for (Severity s : all_severities) // critical first
    if (by_severity[static_cast<size_t>(s)] > 0) return s;
  return std::nullopt;
}

bool repository_rank_less(const RepositorySummary& a, const RepositorySummary& b) {
  const int wa = a.worst() ? static_cast<int>(*a.worst()) : -1;
  const int wb = b.worst() ? static_cast<int>(*b.worst()) : -1;
  if (wa != wb) return wa > wb;
  for (Severity s : all_severities) {
    const size_t i = static_cast<size_t>(s);
    if (a.by_severity[i] != b.by_severity[i]) return a.by_severity[i] > b.by_severity[i];
  }
  if (a.error.empty() != b.error.empty()) return !a.error.empty(); // a failed repository before a clean one
  return a.repository < b.repository;
}

} // namespace dtscan
