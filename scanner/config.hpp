// The optional project configuration `.dtscan.json` at the scanned root (SPEC §3): extra excludes, a
// default --fail-on and a baseline. Command-line options win; a malformed file is a one-line FatalError.
#pragma once

#include "scanner/finding.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dtscan {

struct ProjectConfig {
  std::string path; // the file it came from
  std::vector<std::string> exclude;
  std::optional<std::optional<Severity>> fail_on; // set: the file names one; inner nullopt: "never"
  std::optional<std::string> baseline;            // resolved against the file's directory
};

inline constexpr const char* project_config_name = ".dtscan.json";

// Reads `dir/.dtscan.json`; nullopt when there is none.
std::optional<ProjectConfig> load_project_config(const std::string& dir);
ProjectConfig parse_project_config(const std::string& json_text, const std::string& path);

} // namespace dtscan
