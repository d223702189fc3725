// One call of the token lookup API over libcurl: POST <base>/api/v2/apiTokens/lookup with the token in
// the Authorization header and the body. The HTTP layer only: what the answer means is in outcome.hpp.
#pragma once

#include <optional>
#include <string>

namespace dtscan {

struct HttpAnswer {
  long status = 0;                 // 0: no HTTP answer (see error)
  std::string body;                // at most max_body bytes
  std::optional<long> retry_after; // seconds, from a Retry-After header
  std::string error;               // no answer: "timeout", "tls", "connect-failed", "dns", "transport"
  static constexpr size_t max_body = 1 << 20;
};

// Call once before any thread calls post_token_lookup (curl_global_init is not thread-safe).
void init_http();

// No redirects are followed (a redirect could carry the token to another host); no proxy credentials,
// cookies or verbose output. `timeout_ms` bounds the whole exchange. The token is wiped from every buffer
// dtscan owns once the call returns.
HttpAnswer post_token_lookup(const std::string& url, const std::string& token, long timeout_ms);

} // namespace dtscan
