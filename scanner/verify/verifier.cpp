// Pairing, deduplication, bounded parallelism, rate limit and retries for --verify (see verifier.hpp).
#include "scanner/verify/verifier.hpp"

#include "scanner/verify/endpoint.hpp"
#include "scanner/verify/lookup.hpp"
#include "scanner/verify/outcome.hpp"
#include "scanner/wipe.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
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

struct VerifySession::Limits {
  explicit Limits(const VerifyOptions& o)
      : policy(o.env_urls, o.allow_hosts), limiter(std::chrono::milliseconds(o.min_interval_ms)),
        slots(std::max(1u, o.parallel)) {}
  const HostPolicy policy;
  RateLimiter limiter;
  std::counting_semaphore<> slots; // requests in flight, across every verify() call
};

VerifySession::VerifySession(const VerifyOptions& o) : m_options(o), m_limits(std::make_unique<Limits>(o)) {
  for (const auto& u : o.env_urls)
    if (auto base = environment_base(u); base && std::find(m_given.begin(), m_given.end(), *base) == m_given.end())
      m_given.push_back(*base);
}

VerifySession::~VerifySession() = default;

Verification VerifySession::ask(const std::string& secret, const std::string& environment) {
  struct Slot { // a request in flight, given back however ask() ends
    std::counting_semaphore<>& slots;
    explicit Slot(std::counting_semaphore<>& s) : slots(s) { slots.acquire(); }
    ~Slot() { slots.release(); }
  } slot(m_limits->slots);
  HttpAnswer answer;
  for (unsigned attempt = 1;; ++attempt) {
    m_limits->limiter.wait();
    ++m_sent;
    answer = post_token_lookup(lookup_url(environment), secret, m_options.timeout_ms);
    if (answer.status != 429 || attempt >= m_options.max_attempts) break;
    const long wait_ms = answer.retry_after && *answer.retry_after > 0 ? *answer.retry_after * 1000 : 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(wait_ms, m_options.max_retry_wait_ms)));
  }
  return interpret_answer(answer, environment);
}

void VerifySession::verify(std::vector<Finding>& findings, const VerifyProgress& progress) {
  struct Plan {
    std::vector<std::pair<std::string, std::string>> refused; // environment, why
    std::vector<std::shared_future<Verification>> asked;
  };
  struct Job {          // a pair this call is the first to ask
    std::string secret; // wiped when asked
    std::string environment;
    std::promise<Verification> answer;
  };
  std::vector<Plan> plans(findings.size());
  std::vector<Job> jobs;
  {
    std::lock_guard lock(m_mutex);
    for (size_t i = 0; i < findings.size(); ++i) {
      const Finding& f = findings[i];
      if (f.verify_secret.empty()) continue;
      std::vector<std::string> envs = f.verify_environments;
      for (const auto& g : m_given)
        if (std::find(envs.begin(), envs.end(), g) == envs.end()) envs.push_back(g);
      for (const auto& env : envs) {
        if (std::string why = m_limits->policy.refusal(env); !why.empty()) {
          plans[i].refused.emplace_back(env, why);
          continue;
        }
        // Keyed by the secret's fingerprint, not the secret.
        auto it = m_answers.find({f.fingerprint, env});
        if (it == m_answers.end()) {
          jobs.push_back(Job{f.verify_secret, env, {}});
          it = m_answers.emplace(std::pair{f.fingerprint, env}, jobs.back().answer.get_future().share()).first;
        }
        plans[i].asked.push_back(it->second);
      }
    }
  }

  if (!jobs.empty()) {
    init_http();
    std::atomic<size_t> next{0};
    std::mutex progress_mutex;
    size_t done = 0;
    auto work = [&] {
      for (size_t k; (k = next.fetch_add(1)) < jobs.size();) {
        Job& job = jobs[k];
        Verification v;
        try {
          v = ask(job.secret, job.environment);
        } catch (...) { // whoever waits for this pair must not wait forever
          v = Verification{};
          v.environment = job.environment;
          v.detail = "internal-error";
        }
        wipe(job.secret);
        job.answer.set_value(std::move(v));
        if (progress) {
          std::lock_guard lock(progress_mutex);
          progress(++done, jobs.size());
        }
      }
    };
    const size_t n = std::min<size_t>(std::max(1u, m_options.parallel), jobs.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n; ++t)
      threads.emplace_back(work);
    work();
    for (auto& t : threads)
      t.join();
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
    for (const auto& answer : plan.asked) {
      const Verification& v = answer.get(); // asked by this call, or by another one still under way
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
}

size_t verify_findings(std::vector<Finding>& findings, const VerifyOptions& options, const VerifyProgress& progress) {
  VerifySession session(options);
  session.verify(findings, progress);
  return session.requests();
}

} // namespace dtscan
