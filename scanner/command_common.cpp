// See command_common.hpp.
#include "scanner/command_common.hpp"

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace dtscan {

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

} // namespace dtscan
