// Environment URL normalisation and the host policy for --verify (see endpoint.hpp).
#include "scanner/verify/endpoint.hpp"

#include <algorithm>
#include <cctype>

namespace dtscan {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool valid_host(std::string_view h) {
  return !h.empty() && h.size() <= 253 && std::all_of(h.begin(), h.end(), host_char) && h.front() != '.' &&
         h.front() != '-' && h.find("..") == std::string_view::npos;
}

bool valid_port(std::string_view p) {
  return !p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A Dynatrace SaaS or internal-stage host: the only hosts contacted without being named on the command line.
bool dynatrace_host(std::string_view host) {
  return ends_with(host, ".dynatrace.com") || ends_with(host, ".dynatracelabs.com");
}

struct Parts {
  std::string scheme, host, port, path;
};

std::optional<Parts> split(std::string_view url) {
  Parts p;
  if (auto sep = url.find("://"); sep != std::string_view::npos) {
    p.scheme = lower(url.substr(0, sep));
    url.remove_prefix(sep + 3);
  } else {
    p.scheme = "https";
  }
  if (p.scheme != "https" && p.scheme != "http") return std::nullopt;
  size_t end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  p.path = end == std::string_view::npos || url[end] != '/' ? "" : std::string(url.substr(end));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    p.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
    if (!valid_port(p.port)) return std::nullopt;
  }
  p.host = lower(authority);
  if (!valid_host(p.host)) return std::nullopt;
  return p;
}

// "/e/<id>" at the start of path, or "".
std::string environment_path(std::string_view path) {
  if (path.substr(0, 3) != "/e/") return "";
  size_t n = 3;
  while (n < path.size() && (std::isalnum(static_cast<unsigned char>(path[n])) || path[n] == '-'))
    ++n;
  return n == 3 ? "" : std::string(path.substr(0, n));
}

bool matches(const std::vector<std::string>& entries, const std::string& host, const std::string& hostport) {
  return std::find(entries.begin(), entries.end(), host) != entries.end() ||
         std::find(entries.begin(), entries.end(), hostport) != entries.end();
}

} // namespace

std::optional<std::string> environment_base(std::string_view url) {
  auto p = split(url);
  if (!p) return std::nullopt;
  std::string prefix = environment_path(p->path);
  if (dynatrace_host(p->host) && prefix.empty()) {
    // The environment API of a SaaS environment answers on live.dynatrace.com, not on the apps host.
    if (ends_with(p->host, ".apps.dynatrace.com"))
      p->host =
          p->host.substr(0, p->host.size() - std::string_view(".apps.dynatrace.com").size()) + ".live.dynatrace.com";
    else if (auto apps = p->host.find(".apps."); apps != std::string::npos && ends_with(p->host, ".dynatracelabs.com"))
      p->host.erase(apps, 5);
    p->scheme = "https";
    p->port.clear();
  }
  std::string base = p->scheme + "://" + p->host;
  if (!p->port.empty()) base += ":" + p->port;
  return base + prefix;
}

std::optional<std::string> parse_allowed_host(std::string_view value) {
  if (value.find("://") != std::string_view::npos || value.find_first_of("/@?#") != std::string_view::npos)
    return std::nullopt;
  auto p = split(value);
  if (!p) return std::nullopt;
  return p->port.empty() ? p->host : p->host + ":" + p->port;
}

HostPolicy::HostPolicy(const std::vector<std::string>& env_urls, const std::vector<std::string>& allow_hosts) {
  for (const auto& u : env_urls)
    if (auto p = split(u)) m_https_hosts.push_back(p->port.empty() ? p->host : p->host + ":" + p->port);
  for (const auto& h : allow_hosts)
    if (auto a = parse_allowed_host(h)) {
      m_https_hosts.push_back(*a);
      m_http_hosts.push_back(*a);
    }
}

std::string HostPolicy::refusal(std::string_view base) const {
  auto p = split(base);
  if (!p) return "host-not-allowed";
  const std::string hostport = p->port.empty() ? p->host : p->host + ":" + p->port;
  if (p->scheme == "http") return matches(m_http_hosts, p->host, hostport) ? "" : "plain-http-not-allowed";
  return dynatrace_host(p->host) || matches(m_https_hosts, p->host, hostport) ? "" : "host-not-allowed";
}

} // namespace dtscan
