// --verify after the scan (SPEC §7): pairs each checkable token with the environments of its file and
// the --env-url ones, asks each allowed (token, environment) pair once, a few at a time under a global
// rate limit, and writes the results into the findings. Results live in memory for this run only.
#pragma once

#include "scanner/finding.hpp"

#include <functional>
#include <string>
#include <vector>

namespace dtscan {

struct VerifyOptions {
  std::vector<std::string> env_urls;    // --env-url: environments every token is also checked at
  std::vector<std::string> allow_hosts; // --verify-allow-host
  long timeout_ms = 10000;              // --verify-timeout, per request
  unsigned parallel = 4;                // requests in flight at most
  long min_interval_ms = 100;           // global rate limit: at most 10 requests started per second
  unsigned max_attempts = 4;            // per pair, counting retries after 429
  long max_retry_wait_ms = 10000;       // a longer Retry-After is cut to this
};

// Whether a finding is one --verify checks: a well-formed dt0c01 or legacy API token of at least high
// severity (documentation examples and filler are lower) made of token characters only.
bool verifiable(const Finding& f, std::string_view value);

// done/total pairs, called from the verifying threads (serialised).
using VerifyProgress = std::function<void(size_t done, size_t total)>;

// Verifies the findings that carry a verify_secret, then wipes every verify_secret.
// Returns the number of requests sent (retries included).
size_t verify_findings(std::vector<Finding>& findings, const VerifyOptions& options,
                       const VerifyProgress& progress = {});

} // namespace dtscan
