// Environment URL extraction for --verify (see environments.hpp). Runs only under --verify, on files
// that hold a finding, so it scans the whole window with each pattern instead of the detector's windows.
#include "scanner/verify/environments.hpp"

#include "scanner/verify/endpoint.hpp"

#include <re2/re2.h>

#include <algorithm>

namespace dtscan {
namespace {

// The scheme written just before a match that starts at the host ("" when there is none).
std::string_view scheme_before(std::string_view buf, size_t pos) {
  for (std::string_view s : {std::string_view("https://"), std::string_view("http://")})
    if (pos >= s.size() && buf.substr(pos - s.size(), s.size()) == s) return s;
  return "";
}

} // namespace

EnvironmentUrls::EnvironmentUrls(const Classification& data) : m_data(data) {
  RE2::Options opts;
  opts.set_log_errors(false);
  for (const auto& p : data.environment_url_patterns)
    m_patterns.push_back(std::make_unique<RE2>(p, opts));
}

EnvironmentUrls::~EnvironmentUrls() = default;

void EnvironmentUrls::collect(std::string_view buf, std::vector<std::string>& out, size_t max) const {
  re2::StringPiece text(buf.data(), buf.size());
  for (const auto& re : m_patterns) {
    if (!re->ok()) continue;
    int host_group = -1;
    if (auto it = re->NamedCapturingGroups().find("host"); it != re->NamedCapturingGroups().end())
      host_group = it->second;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(re->NumberOfCapturingGroups()) + 1);
    size_t at = 0;
    while (out.size() < max && at < buf.size() &&
           re->Match(text, at, buf.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      const size_t start = static_cast<size_t>(groups[0].data() - buf.data());
      at = std::max(at + 1, start + groups[0].size());
      if (host_group >= 0) {
        std::string host(groups[static_cast<size_t>(host_group)].data(),
                         groups[static_cast<size_t>(host_group)].size());
        for (auto& c : host)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
        if (std::find(m_data.non_environment_hosts.begin(), m_data.non_environment_hosts.end(), host) !=
            m_data.non_environment_hosts.end())
          continue;
      }
      std::string url(groups[0].data(), groups[0].size());
      if (url.find("://") == std::string::npos) url = std::string(scheme_before(buf, start)) + url;
      auto base = environment_base(url);
      if (base && std::find(out.begin(), out.end(), *base) == out.end()) out.push_back(std::move(*base));
    }
  }
}

} // namespace dtscan
