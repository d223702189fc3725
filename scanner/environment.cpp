// Environment-URL detection: memmem for a few literals, then the rule file's URL patterns on a window
// around each hit, so that a large file costs one fast pass.
#include "scanner/environment.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace dtscan {
namespace {

constexpr size_t window_before = 300;
constexpr size_t window_after = 200;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

EnvironmentDetector::EnvironmentDetector(const Classification& data) : m_data(data) {
  RE2::Options opts;
  opts.set_log_errors(false);
  for (const auto& p : data.environment_url_patterns)
    m_patterns.push_back(std::make_unique<RE2>(p, opts));
}

EnvironmentDetector::~EnvironmentDetector() = default;

bool EnvironmentDetector::contains_environment(std::string_view buf) const {
  re2::StringPiece text(buf.data(), buf.size());
  for (const auto& keyword : m_data.environment_url_keywords) {
    size_t from = 0;
    while (from < buf.size()) {
      const void* hit = memmem(buf.data() + from, buf.size() - from, keyword.data(), keyword.size());
      if (hit == nullptr) break;
      size_t pos = static_cast<size_t>(static_cast<const char*>(hit) - buf.data());
      size_t lo = pos > window_before ? pos - window_before : 0;
      size_t hi = std::min(buf.size(), pos + keyword.size() + window_after);
      for (const auto& re : m_patterns) {
        int host_group = -1;
        if (auto it = re->NamedCapturingGroups().find("host"); it != re->NamedCapturingGroups().end())
          host_group = it->second;
        std::vector<re2::StringPiece> groups(static_cast<size_t>(re->NumberOfCapturingGroups()) + 1);
        size_t at = lo;
        while (at < hi && re->Match(text, at, hi, RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
          at = std::max(at + 1, static_cast<size_t>(groups[0].data() - buf.data()) + groups[0].size());
          if (host_group < 0) return true;
          const auto& h = groups[static_cast<size_t>(host_group)];
          std::string host = lower(std::string_view(h.data(), h.size()));
          if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
          if (std::find(m_data.non_environment_hosts.begin(), m_data.non_environment_hosts.end(), host) ==
              m_data.non_environment_hosts.end())
            return true;
        }
      }
      from = pos + 1;
    }
  }
  return false;
}

} // namespace dtscan
