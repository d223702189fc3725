// Where a token may be checked: an environment URL reduced to the base the API lives under (SaaS
// apps.dynatrace.com rewritten to live.dynatrace.com, Managed /e/<id> and ActiveGate :9999/e/<id> kept),
// and the host policy of SPEC §7 that decides whether dtscan may send a token there at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

// "scheme://host[:port][/e/<id>]", lowercase scheme and host; nullopt when `url` is not a usable
// http(s) URL (user info, odd host characters, another scheme). A URL without a scheme is https.
// Hosts under dynatrace.com and dynatracelabs.com (outside /e/<id> paths) always get https, no port.
std::optional<std::string> environment_base(std::string_view url);

// "host" or "host:port" (lowercase) when `value` is such a --verify-allow-host value, else nullopt.
std::optional<std::string> parse_allowed_host(std::string_view value);

class HostPolicy {
public:
  // env_urls: --env-url values (their hosts are allowed over https); allow_hosts: --verify-allow-host
  // values (allowed over https, and over plain http: the only way to reach an http test tenant).
  HostPolicy(const std::vector<std::string>& env_urls, const std::vector<std::string>& allow_hosts);

  // Empty when `base` (an environment_base result) may be contacted, else why not:
  // "host-not-allowed" or "plain-http-not-allowed".
  std::string refusal(std::string_view base) const;

private:
  std::vector<std::string> m_https_hosts; // "host" (any port) or "host:port"
  std::vector<std::string> m_http_hosts;
};

// The token lookup endpoint under an environment base.
inline std::string lookup_url(std::string_view base) {
  return std::string(base) + "/api/v2/apiTokens/lookup";
}

} // namespace dtscan
