// For --verify: the environment URLs a file or blob names (the rule file's environment URL patterns,
// documentation and SSO hosts left out), as environment bases a token found beside them can be checked at.
#pragma once

#include "scanner/rules.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dtscan {

class EnvironmentUrls {
public:
  explicit EnvironmentUrls(const Classification& data);
  ~EnvironmentUrls();
  EnvironmentUrls(const EnvironmentUrls&) = delete;
  EnvironmentUrls& operator=(const EnvironmentUrls&) = delete;

  // Appends the environment bases (endpoint.hpp) named in buf that `out` lacks, up to `max` in all.
  void collect(std::string_view buf, std::vector<std::string>& out, size_t max = max_per_file) const;

  static constexpr size_t max_per_file = 8;

private:
  const Classification& m_data;
  std::vector<std::unique_ptr<re2::RE2>> m_patterns;
};

} // namespace dtscan
