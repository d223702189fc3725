// Unit tests for the progress line: its text, that it waits for its delay, that it is erased at the end
// and that output passed through around_output() never lands on top of it.
#include "scanner/progress.hpp"

#include <doctest/doctest.h>

#include <mutex>
#include <sstream>
#include <thread>

using namespace dtscan;
using namespace std::chrono_literals;

TEST_CASE("progress_text: counts, decimal sizes, rate, singular and plural") {
  CHECK(progress_text(0, 0, 0.0, 0) == "dtscan: 0 files, 0 B, 0 B/s, 0 findings");
  CHECK(progress_text(1, 999, 1.0, 1) == "dtscan: 1 file, 999 B, 999 B/s, 1 finding");
  CHECK(progress_text(1234567, 56'700'000, 2.0, 3) == "dtscan: 1,234,567 files, 56.7 MB, 28.4 MB/s, 3 findings");
  CHECK(progress_text(10, 3'200'000'000'000ULL, 1.0, 1000) == "dtscan: 10 files, 3.2 TB, 3.2 TB/s, 1,000 findings");
}

namespace {
// A stream the meter's thread writes while the test reads it: every access under one lock.
class LockedBuf : public std::stringbuf {
public:
  std::string text() {
    std::lock_guard lock(m_mutex);
    return str();
  }

protected:
  int_type overflow(int_type c) override {
    std::lock_guard lock(m_mutex);
    return std::stringbuf::overflow(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(m_mutex);
    return std::stringbuf::xsputn(s, n);
  }

private:
  std::recursive_mutex m_mutex; // stringbuf::xsputn may call overflow
};

struct Capture {
  LockedBuf buf;
  std::ostream stream{&buf};
  std::string str() { return buf.text(); }
};

// Waits (up to 10 s) until `out` holds `n` updates of the line.
bool wait_for_updates(Capture& out, size_t n) {
  for (int i = 0; i < 1000; ++i) {
    const std::string s = out.str();
    size_t count = 0;
    for (size_t p = s.find("dtscan: "); p != std::string::npos; p = s.find("dtscan: ", p + 1))
      ++count;
    if (count >= n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}
} // namespace

TEST_CASE("ProgressMeter on a terminal: redrawn in place, erased by stop()") {
  ProgressCounters counters;
  counters.files = 2;
  counters.bytes = 2000;
  Capture out;
  ProgressMeter meter(counters, out.stream, ProgressMeter::Style::in_place, 0ms, 5ms);
  REQUIRE(wait_for_updates(out, 2));
  meter.around_output([&] { out.stream << "WARNING\n"; });
  // Drawn again after the warning (counting from the warning: more than two lines may precede it).
  bool redrawn = false;
  for (int i = 0; i < 1000 && !redrawn; ++i) {
    const std::string now = out.str();
    redrawn = now.find("dtscan: ", now.find("WARNING\n")) != std::string::npos;
    if (!redrawn) std::this_thread::sleep_for(10ms);
  }
  REQUIRE(redrawn);
  meter.stop();
  const std::string s = out.str();
  CHECK(s.starts_with("\rdtscan: 2 files, 2.0 kB, "));
  CHECK(s.find("\r\033[KWARNING\n") != std::string::npos); // erased before the warning
  CHECK(s.ends_with("\r\033[K"));                          // erased at the end
  CHECK(s.find('\n') == s.find("WARNING\n") + 7);          // no newline of its own
  meter.stop();                                            // idempotent
  CHECK(out.str() == s);
}

TEST_CASE("ProgressMeter: nothing before the delay; plain lines when not a terminal") {
  ProgressCounters counters;
  {
    Capture out;
    ProgressMeter meter(counters, out.stream, ProgressMeter::Style::in_place, 10s, 5ms);
    std::this_thread::sleep_for(50ms);
    meter.stop();
    CHECK(out.str().empty()); // a short run shows nothing, and stop() does not wait for the delay
  }
  Capture out;
  ProgressMeter meter(counters, out.stream, ProgressMeter::Style::lines, 0ms, 5ms);
  REQUIRE(wait_for_updates(out, 1));
  meter.stop();
  const std::string s = out.str();
  CHECK(s.starts_with("dtscan: 0 files, 0 B, "));
  CHECK(s.ends_with(" findings\n"));
  CHECK(s.find('\033') == std::string::npos);
  CHECK(s.find('\r') == std::string::npos);
}
