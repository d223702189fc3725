// The progress line of a long run: files, bytes, rate and findings so far, on stderr, redrawn in place
// on a terminal and erased at the end, so that a scan of a big tree does not look hung. It appears only
// after a delay (a pre-commit hook or a small scan never shows it) and only on a terminal unless asked
// for (--progress), where it prints plain lines instead.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace dtscan {

// What the collector counts as files are recorded (relaxed atomics: read by the meter's thread only).
struct ProgressCounters {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> findings{0};
  std::atomic<uint64_t> repositories_done{0}; // audit only (shown when repositories_total is set)
  std::atomic<uint64_t> repositories_total{0};
  std::atomic<uint64_t> tokens_verified{0}; // audit --verify (shown when tokens_total is set)
  std::atomic<uint64_t> tokens_total{0};
};

// "dtscan: 1,204 files, 56.7 MB, 120 MB/s, 3 findings" (no trailing newline).
std::string progress_text(uint64_t files, uint64_t bytes, double seconds, uint64_t findings);
// audit: "dtscan: 3/20 repositories, 1,204 blobs and files, ..." when `total` is not 0.
std::string progress_text(uint64_t files, uint64_t bytes, double seconds, uint64_t findings, uint64_t done,
                          uint64_t total);

class ProgressMeter {
public:
  enum class Style {
    in_place, // a terminal: "\r" + line + erase-to-end, erased by stop()
    lines     // not a terminal (--progress): one line per update
  };
  ProgressMeter(const ProgressCounters& counters, std::ostream& out, Style style,
                std::chrono::milliseconds delay = std::chrono::seconds(1),
                std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // Runs `write` (a warning, a streamed finding) with the progress line erased first, so that nothing
  // is printed over it; the line comes back at the next update.
  void around_output(const std::function<void()>& write);
  // Stops updating and erases the line; idempotent.
  void stop();

private:
  void loop();
  void draw();  // under m_mutex
  void erase(); // under m_mutex

  const ProgressCounters& m_counters;
  std::ostream& m_out;
  const Style m_style;
  const std::chrono::milliseconds m_delay, m_interval;
  const std::chrono::steady_clock::time_point m_start;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  bool m_shown = false; // an in-place line is on the screen
  std::thread m_thread;
};

} // namespace dtscan
