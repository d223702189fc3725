// Pairing, deduplication, bounded parallelism, rate limit and retries for --verify (see verifier.hpp).
#include "scanner/verify/verifier.hpp"

#include "scanner/verify/endpoint.hpp"
#include "scanner/verify/lookup.hpp"
#include "scanner/verify/outcome.hpp"
#include "scanner/wipe.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace dtscan {
namespace {

using Clock = std::chrono::steady_clock;

// Spaces request starts at least min_interval apart, across all threads.
class RateLimiter {
public:
  explicit RateLimiter(std::chrono::milliseconds interval) : m_interval(interval) {}
  void wait() {
    Clock::time_point at;
    {
      std::lock_guard lock(m_mutex);
      at = std::max(Clock::now(), m_next);
      m_next = at + m_interval;
    }
    std::this_thread::sleep_until(at);
  }

private:
  std::chrono::milliseconds m_interval;
  std::mutex m_mutex;
  Clock::time_point m_next{};
};

struct Pair {
  std::string secret; // wiped when done
  std::string environment;
  Verification result;
};

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

} // namespace

bool verifiable(const Finding& f, std::string_view value) {
  if (f.token_type != "dt0c01" && f.token_type != "legacy-api-token") return false;
  if (f.severity < Severity::high) return false;
  if (std::find(f.reasons.begin(), f.reasons.end(), "well-formed") == f.reasons.end()) return false;
  return !value.empty() && value.size() <= 200 && std::all_of(value.begin(), value.end(), token_char);
}

size_t verify_findings(std::vector<Finding>& findings, const VerifyOptions& o, const VerifyProgress& progress) {
  const HostPolicy policy(o.env_urls, o.allow_hosts);
  std::vector<std::string> given;
  for (const auto& u : o.env_urls)
    if (auto base = environment_base(u); base && std::find(given.begin(), given.end(), *base) == given.end())
      given.push_back(*base);

  // Each (secret, environment) pair once per run: keyed by the secret's fingerprint, not the secret.
  std::vector<Pair> pairs;
  std::map<std::pair<std::string, std::string>, size_t> pair_index;
  struct Plan {
    std::vector<std::pair<std::string, std::string>> refused; // environment, why
    std::vector<size_t> asked;                                // indices into pairs
  };
  std::vector<Plan> plans(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    if (f.verify_secret.empty()) continue;
    std::vector<std::string> envs = f.verify_environments;
    for (const auto& g : given)
      if (std::find(envs.begin(), envs.end(), g) == envs.end()) envs.push_back(g);
    for (const auto& env : envs) {
      if (std::string why = policy.refusal(env); !why.empty()) {
        plans[i].refused.emplace_back(env, why);
        continue;
      }
      auto [it, fresh] = pair_index.try_emplace({f.fingerprint, env}, pairs.size());
      if (fresh) pairs.push_back(Pair{f.verify_secret, env, {}});
      plans[i].asked.push_back(it->second);
    }
  }

  size_t requests = 0;
  if (!pairs.empty()) {
    init_http();
    RateLimiter limiter{std::chrono::milliseconds(o.min_interval_ms)};
    std::atomic<size_t> next{0}, sent{0};
    std::mutex progress_mutex;
    size_t done = 0;
    auto work = [&] {
      for (size_t k; (k = next.fetch_add(1)) < pairs.size();) {
        Pair& p = pairs[k];
        HttpAnswer answer;
        for (unsigned attempt = 1;; ++attempt) {
          limiter.wait();
          ++sent;
          answer = post_token_lookup(lookup_url(p.environment), p.secret, o.timeout_ms);
          if (answer.status != 429 || attempt >= o.max_attempts) break;
          long wait_ms = answer.retry_after && *answer.retry_after > 0 ? *answer.retry_after * 1000 : 1000;
          std::this_thread::sleep_for(std::chrono::milliseconds(std::min(wait_ms, o.max_retry_wait_ms)));
        }
        wipe(p.secret);
        p.result = interpret_answer(answer, p.environment);
        if (progress) {
          std::lock_guard lock(progress_mutex);
          progress(++done, pairs.size());
        }
      }
    };
    const size_t n = std::min<size_t>(std::max(1u, o.parallel), pairs.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n; ++t)
      threads.emplace_back(work);
    work();
    for (auto& t : threads)
      t.join();
    requests = sent.load();
  }

  // A token is active where any environment says so; inactive only when every environment it could be
  // used at was asked and said inactive; unknown otherwise (with the first reason that left it open).
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    if (f.verify_secret.empty()) continue;
    wipe(f.verify_secret);
    f.verify_environments.clear();
    const Plan& plan = plans[i];
    std::optional<Verification> active, inactive, unknown;
    for (size_t k : plan.asked) {
      const Verification& v = pairs[k].result;
      auto& slot = v.status == Verification::Status::active     ? active
                   : v.status == Verification::Status::inactive ? inactive
                                                                : unknown;
      if (!slot) slot = v;
    }
    if (!unknown && !plan.refused.empty()) {
      unknown = Verification{};
      unknown->environment = plan.refused.front().first;
      unknown->detail = plan.refused.front().second;
    }
    if (!active && !inactive && !unknown) {
      unknown = Verification{};
      unknown->detail = "no-environment";
    }
    apply_verification(f, active ? *active : unknown ? *unknown : *inactive);
  }
  return requests;
}

} // namespace dtscan
