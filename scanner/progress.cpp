// ProgressMeter: one thread that sleeps on a condition variable, so stop() ends it at once.
#include "scanner/progress.hpp"

#include <fmt/format.h>

namespace dtscan {

namespace {

std::string thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Decimal units, as `--max-file-size` and disk vendors count: 1 MB = 1,000,000 bytes.
std::string size_text(double bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  size_t u = 0;
  while (bytes >= 1000.0 && u + 1 < std::size(units)) {
    bytes /= 1000.0;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

} // namespace

std::string progress_text(uint64_t files, uint64_t bytes, double seconds, uint64_t findings) {
  const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0.0;
  return fmt::format("dtscan: {} {}, {}, {}/s, {} {}", thousands(files), files == 1 ? "file" : "files",
                     size_text(static_cast<double>(bytes)), size_text(rate), thousands(findings),
                     findings == 1 ? "finding" : "findings");
}

std::string progress_text(uint64_t files, uint64_t bytes, double seconds, uint64_t findings, uint64_t done,
                          uint64_t total) {
  std::string text = progress_text(files, bytes, seconds, findings);
  if (total == 0) return text;
  return fmt::format("dtscan: {}/{} repositories, {}", thousands(done), thousands(total),
                     text.substr(std::string_view("dtscan: ").size()));
}

ProgressMeter::ProgressMeter(const ProgressCounters& counters, std::ostream& out, Style style,
                             std::chrono::milliseconds delay, std::chrono::milliseconds interval)
    : m_counters(counters), m_out(out), m_style(style), m_delay(delay),
      m_interval(style == Style::lines ? std::max(interval, std::chrono::milliseconds(1000)) : interval),
      m_start(std::chrono::steady_clock::now()), m_thread([this] { loop(); }) {}

ProgressMeter::~ProgressMeter() {
  stop();
}

void ProgressMeter::stop() {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping && !m_thread.joinable()) return;
    m_stopping = true;
    erase();
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void ProgressMeter::around_output(const std::function<void()>& write) {
  std::lock_guard lock(m_mutex);
  erase();
  write();
}

void ProgressMeter::loop() {
  std::unique_lock lock(m_mutex);
  if (m_wake.wait_until(lock, m_start + m_delay, [this] { return m_stopping; })) return;
  while (!m_stopping) {
    draw();
    m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
  }
}

void ProgressMeter::draw() {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  std::string text = progress_text(
      m_counters.files.load(std::memory_order_relaxed), m_counters.bytes.load(std::memory_order_relaxed), seconds,
      m_counters.findings.load(std::memory_order_relaxed), m_counters.repositories_done.load(std::memory_order_relaxed),
      m_counters.repositories_total.load(std::memory_order_relaxed));
  if (const uint64_t tokens = m_counters.tokens_total.load(std::memory_order_relaxed))
    text += fmt::format(", {}/{} tokens verified",
                        thousands(m_counters.tokens_verified.load(std::memory_order_relaxed)), thousands(tokens));
  if (m_style == Style::in_place) {
    m_out << '\r' << text << "\033[K" << std::flush;
    m_shown = true;
  } else {
    m_out << text << '\n' << std::flush;
  }
}

void ProgressMeter::erase() {
  if (!m_shown) return;
  m_out << "\r\033[K" << std::flush;
  m_shown = false;
}

} // namespace dtscan
