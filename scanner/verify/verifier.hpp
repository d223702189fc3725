// --verify after the scan (SPEC §7): pairs each checkable token with the environments of its file and
// the --env-url ones, asks each allowed (token, environment) pair once per run, a few at a time under a
// global rate limit, and writes the results into the findings. Results live in memory for this run only
// (a VerifySession): `audit` verifies each repository's findings as it finishes, through one session.
#pragma once

#include "scanner/finding.hpp"

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

namespace dtscan {

struct VerifyOptions {
  std::vector<std::string> env_urls;    // --env-url: environments every token is also checked at
  std::vector<std::string> allow_hosts; // --verify-allow-host
  long timeout_ms = 10000;              // --verify-timeout, per request
  unsigned parallel = 4;                // requests in flight at most, across the session
  long min_interval_ms = 100;           // --verify-rate: at most 1000 / min_interval_ms requests started a second
  unsigned max_attempts = 4;            // per pair, counting retries after 429
  long max_retry_wait_ms = 10000;       // a longer Retry-After is cut to this
};

// Whether a finding is one --verify checks: a well-formed dt0c01 or legacy API token of at least high
// severity (documentation examples and filler are lower) made of token characters only.
bool verifiable(const Finding& f, std::string_view value);

// done/total pairs, called from the verifying threads (serialised).
using VerifyProgress = std::function<void(size_t done, size_t total)>;

// One run's verification: the answers so far (by token fingerprint and environment, never the token),
// the rate limit and the bound on requests in flight, shared by every verify() call, which may come
// from several threads at once (a pair asked by two of them is sent once; the second waits for it).
class VerifySession {
public:
  explicit VerifySession(const VerifyOptions& options);
  ~VerifySession();
  VerifySession(const VerifySession&) = delete;
  VerifySession& operator=(const VerifySession&) = delete;

  // Verifies the findings that carry a verify_secret, then wipes every verify_secret.
  void verify(std::vector<Finding>& findings, const VerifyProgress& progress = {});
  // Requests sent so far (retries included).
  size_t requests() const { return m_sent.load(); }

private:
  struct Limits;
  Verification ask(const std::string& secret, const std::string& environment);

  const VerifyOptions m_options;
  std::vector<std::string> m_given; // the --env-url bases
  std::unique_ptr<Limits> m_limits;
  std::mutex m_mutex;
  std::map<std::pair<std::string, std::string>, std::shared_future<Verification>> m_answers;
  std::atomic<size_t> m_sent{0};
};

// One session's verify(); returns the number of requests sent (retries included).
size_t verify_findings(std::vector<Finding>& findings, const VerifyOptions& options,
                       const VerifyProgress& progress = {});

} // namespace dtscan
