// Finds Dynatrace environment URLs (SaaS, dynatracelabs stages, Managed /e/<id>, ActiveGate :9999) in a
// buffer. A secret in a file that names its environment is directly usable, so it rates one level higher.
#pragma once

#include "scanner/rules.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dtscan {

class EnvironmentDetector {
public:
  explicit EnvironmentDetector(const Classification& data);
  ~EnvironmentDetector();
  EnvironmentDetector(const EnvironmentDetector&) = delete;
  EnvironmentDetector& operator=(const EnvironmentDetector&) = delete;

  // True when buf holds at least one environment URL whose host is not a documentation/SSO host.
  bool contains_environment(std::string_view buf) const;

private:
  const Classification& m_data;
  std::vector<std::unique_ptr<re2::RE2>> m_patterns;
};

} // namespace dtscan
