// See command_common.hpp.
#include "scanner/command_common.hpp"

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace dtscan {

ReportContext report_context(const Options& o, const RuleSet& rules, bool output_is_terminal) {
  ReportContext ctx;
  ctx.rules = &rules;
  ctx.show_secrets = o.show_secrets;
  ctx.color = o.format == Format::text && !o.no_color && output_is_terminal && colour_allowed_by_environment();
  return ctx;
}

void add_summary(Summary& total, const Summary& s) {
  total.files_scanned += s.files_scanned;
  total.bytes_scanned += s.bytes_scanned;
  total.files_skipped += s.files_skipped;
  total.errors += s.errors;
  total.suppressed += s.suppressed;
  for (size_t i = 0; i < total.by_severity.size(); ++i)
    total.by_severity[i] += s.by_severity[i];
}

int exit_status(const Report& report, const std::optional<Severity>& fail_on) {
  if (!fail_on) return 0;
  for (size_t s = static_cast<size_t>(*fail_on); s < report.summary.by_severity.size(); ++s)
    if (report.summary.by_severity[s] > 0) return 1;
  return 0;
}

bool colour_allowed_by_environment() {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return (no_color == nullptr || *no_color == '\0') && !(term != nullptr && std::string_view(term) == "dumb");
}

std::string absolute_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(dir.empty() ? "." : dir, ec);
  return ec ? std::string() : p.lexically_normal().string();
}

VerifyOptions verify_options(const Options& o) {
  VerifyOptions vo;
  vo.env_urls = o.env_urls;
  vo.allow_hosts = o.verify_allow_hosts;
  vo.timeout_ms = o.verify_timeout_ms;
  vo.min_interval_ms = o.verify_interval_ms;
  return vo;
}

void recount_severities(Summary& s, const std::vector<Finding>& findings) {
  s.by_severity = {};
  for (const auto& f : findings)
    ++s.by_severity[static_cast<size_t>(f.severity)];
}

} // namespace dtscan
