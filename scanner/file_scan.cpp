// Chunked reading, line/column bookkeeping, classification and the collapse of overlapping matches
// ("the most specific rule wins") for one file.
#include "scanner/file_scan.hpp"

#include "scanner/decode.hpp"
#include "scanner/verify/environments.hpp"
#include "scanner/verify/verifier.hpp"
#include "scanner/wipe.hpp"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

namespace dtscan {
namespace {

struct Located {
  RawMatch match;
  uint64_t line, column, end_line, end_column;
  uint64_t char_column = 0, char_end_column = 0;
  bool allowed = false; // the line carries the dtscan:allow marker
};

// Tracks the line number of an advancing position over a sliding window.
class LineCounter {
public:
  // Moves to absolute offset `to` (>= the current one) inside window [win_start, win_start + win.size()).
  void advance(std::string_view win, uint64_t win_start, uint64_t to) {
    assert(to >= m_pos && m_pos >= win_start);
    const char* p = win.data() + (m_pos - win_start);
    const char* end = win.data() + (to - win_start);
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      if (nl == nullptr) break;
      p = static_cast<const char*>(nl) + 1;
      ++m_line;
      m_line_start = win_start + static_cast<uint64_t>(p - win.data());
    }
    m_pos = to;
  }
  uint64_t line() const { return m_line; }
  uint64_t line_start() const { return m_line_start; }
  uint64_t column(uint64_t pos) const { return pos - m_line_start + 1; }

private:
  uint64_t m_pos = 0;
  uint64_t m_line = 1;
  uint64_t m_line_start = 0;
};

// Code points in win[from, to) (absolute offsets, clamped to the window): UTF-8 lead and ASCII bytes.
uint64_t code_points(std::string_view win, uint64_t win_start, uint64_t from, uint64_t to) {
  size_t lo = from > win_start ? static_cast<size_t>(from - win_start) : 0;
  size_t hi = static_cast<size_t>(to - win_start);
  uint64_t n = 0;
  for (size_t i = lo; i < hi; ++i)
    n += (static_cast<unsigned char>(win[i]) & 0xC0) != 0x80;
  return n;
}

// Inline suppression marker: a finding on a line that holds it is not reported (SPEC §6).
constexpr std::string_view allow_marker = "dtscan:allow";

// Whether the line around [start, end) in the window holds the dtscan:allow marker.
bool line_allows(std::string_view win, uint64_t win_start, uint64_t line_start, uint64_t end) {
  size_t lo = line_start > win_start ? static_cast<size_t>(line_start - win_start) : 0;
  size_t from_end = static_cast<size_t>(end - win_start);
  const void* nl = std::memchr(win.data() + from_end, '\n', win.size() - from_end);
  size_t hi = nl ? static_cast<size_t>(static_cast<const char*>(nl) - win.data()) : win.size();
  return win.substr(lo, hi - lo).find(allow_marker) != std::string_view::npos;
}

// Keeps, among findings whose spans overlap, the one of the highest-priority rule (then the value as
// decoded when the as-written value still holds %XX escapes, else the one found as written, then the
// longest span). Winners on a dtscan:allow line are counted in `suppressed` instead of returned.
std::vector<Finding> collapse(std::vector<std::pair<Located, Finding>>& items, const RuleSet& rules,
                              uint64_t& suppressed) {
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.match.start, a.first.match.end) < std::tie(b.first.match.start, b.first.match.end);
  });
  auto better = [&](const std::pair<Located, Finding>& a, const std::pair<Located, Finding>& b) {
    int pa = rules.rules[a.first.match.rule].priority, pb = rules.rules[b.first.match.rule].priority;
    if (pa != pb) return pa > pb;
    if (a.first.match.decoded != b.first.match.decoded) {
      const RawMatch& written = a.first.match.decoded == Decoding::none ? a.first.match : b.first.match;
      bool prefer_written = !has_percent_escape(written.value);
      return (a.first.match.decoded == Decoding::none) == prefer_written;
    }
    return a.first.match.end - a.first.match.start > b.first.match.end - b.first.match.start;
  };
  std::vector<Finding> out;
  size_t i = 0;
  while (i < items.size()) {
    size_t best = i;
    uint64_t cluster_end = items[i].first.match.end;
    size_t j = i + 1;
    for (; j < items.size() && items[j].first.match.start < cluster_end; ++j) {
      cluster_end = std::max(cluster_end, items[j].first.match.end);
      if (better(items[j], items[best])) best = j;
    }
    const Located& loc = items[best].first;
    if (loc.allowed) {
      ++suppressed;
      i = j;
      continue;
    }
    Finding f = std::move(items[best].second);
    f.line = loc.line;
    f.column = loc.column;
    f.end_line = loc.end_line;
    f.end_column = loc.end_column;
    f.char_column = loc.char_column;
    f.char_end_column = loc.char_end_column;
    out.push_back(std::move(f));
    i = j;
  }
  return out;
}

} // namespace

FileScanner::FileScanner(const ScanEngine& engine, size_t chunk_size)
    : m_engine(engine), m_chunk_size(std::max(chunk_size, overlap)) {}

FileOutcome FileScanner::scan(const ReadFn& read, std::string_view report_path, BinaryPolicy binary, size_t root_len) {
  FileOutcome outcome;
  const size_t capacity = m_chunk_size + 2 * overlap;
  if (!m_buffer) m_buffer.reset(new char[capacity]); // not zero-filled: only the pages a file needs are touched
  char* buf = m_buffer.get();

  uint64_t win_start = 0; // absolute offset of buf[0]
  size_t filled = 0;
  bool eof = false;
  auto fill = [&]() -> bool {
    while (filled < capacity) {
      long n = read(buf + filled, capacity - filled);
      if (n < 0) {
        if (errno == EINTR) continue;
        outcome.status = FileOutcome::Status::error;
        outcome.error = std::strerror(errno);
        return false;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      filled += static_cast<size_t>(n);
      outcome.bytes += static_cast<uint64_t>(n);
    }
    return true;
  };
  if (!fill()) return outcome;
  if (binary == BinaryPolicy::skip && std::memchr(buf, 0, std::min(filled, binary_probe)) != nullptr) {
    outcome.status = FileOutcome::Status::binary;
    return outcome;
  }

  std::vector<Located> located;
  LineCounter lines;
  struct LineCache {
    uint64_t line_start = UINT64_MAX; // the line this describes
    uint64_t pos = 0;                 // code points are counted up to here
    uint64_t code_points = 0;
    uint64_t allow_end_line = 0; // the line start of the span end the allow check looked to
    bool allow_known = false, allowed = false;
  } line_cache;
  bool environment = false;
  std::vector<std::string> environment_urls; // --verify only
  bool first = true;
  for (;;) {
    std::string_view window(buf, filled);
    const uint64_t accept_lo = first ? 0 : win_start + overlap;
    const uint64_t accept_hi = eof ? win_start + filled : win_start + filled - overlap;
    for (auto& m : m_raw)
      wipe(m.value);
    m_raw.clear();
    m_engine.matcher.find(window, m_raw);
    // find() sorts by start; keep the matches this window is responsible for.
    for (auto& m : m_raw) {
      uint64_t start = win_start + m.start, end = win_start + m.end;
      if (start < accept_lo || start >= accept_hi) continue;
      if (located.size() >= max_findings_per_file) {
        outcome.truncated_findings = true;
        break;
      }
      lines.advance(window, win_start, start);
      Located loc{std::move(m), lines.line(), lines.column(start), 0, 0};
      loc.match.start = start;
      loc.match.end = end;
      LineCounter span = lines; // count newlines inside the span without moving the main counter
      span.advance(window, win_start, end);
      loc.end_line = span.line();
      loc.end_column = span.column(end);
      // Code points are counted on from the previous match of the same line, and the dtscan:allow
      // check is made once per line: a line holding thousands of matches stays linear, not quadratic.
      if (line_cache.line_start != lines.line_start() || line_cache.pos > start) {
        line_cache = LineCache{lines.line_start(), lines.line_start(), 0, span.line_start(), false, false};
      }
      line_cache.code_points += code_points(window, win_start, line_cache.pos, start);
      line_cache.pos = start;
      loc.char_column = 1 + line_cache.code_points;
      loc.char_end_column = 1 + (span.line_start() == lines.line_start()
                                     ? line_cache.code_points + code_points(window, win_start, start, end)
                                     : code_points(window, win_start, span.line_start(), end));
      if (!line_cache.allow_known || line_cache.allow_end_line != span.line_start()) {
        line_cache.allowed = line_allows(window, win_start, lines.line_start(), end);
        line_cache.allow_end_line = span.line_start();
        line_cache.allow_known = true;
      }
      loc.allowed = line_cache.allowed;
      located.push_back(std::move(loc));
    }
    line_cache = LineCache{}; // counts are per window, as the window bounds them
    // Environment URLs anywhere in the file raise a secret's severity: in a multi-window file look in
    // every window (the secret may come later); in a one-window file only when it matters.
    bool multi_window = !(first && eof);
    if (!environment && (multi_window || std::any_of(located.begin(), located.end(), [&](const Located& l) {
                           return m_engine.classifier.depends_on_environment(l.match);
                         })))
      environment = m_engine.environment.contains_environment(window);
    if (m_engine.verify && (multi_window || !located.empty())) m_engine.verify->collect(window, environment_urls);
    if (eof) break;
    lines.advance(window, win_start, accept_hi);
    // Slide: keep the last 2*overlap bytes, which the next window needs as context.
    size_t keep_from = static_cast<size_t>(accept_hi - win_start) - overlap;
    std::memmove(buf, buf + keep_from, filled - keep_from);
    filled -= keep_from;
    win_start += keep_from;
    first = false;
    if (!fill()) return outcome;
  }

  FileFacts facts;
  facts.environment_url = environment;
  root_len = std::min(root_len, report_path.size());
  facts.test_path = m_engine.classifier.is_test_path(report_path.substr(root_len)); // not the scanned dir's own name
  std::vector<std::pair<Located, Finding>> classified;
  for (auto& loc : located) {
    auto f = m_engine.classifier.classify(loc.match, facts);
    if (!f) continue;
    f->path = std::string(report_path);
    f->root_len = root_len;
    if (m_engine.secrets == SecretDisplay::shown) f->secret = loc.match.value;
    if (m_engine.verify && verifiable(*f, loc.match.value)) {
      f->verify_secret = loc.match.value;
      f->verify_environments = environment_urls;
    }
    classified.emplace_back(std::move(loc), std::move(*f));
  }
  outcome.findings = collapse(classified, m_engine.rules, outcome.suppressed);
  // The matched values are secrets; the findings keep only ids, redacted forms and fingerprints (and the
  // value itself under --show-secrets).
  for (auto& [loc, f] : classified) {
    wipe(loc.match.value);
    wipe(f.verify_secret); // the losers of collapse(); the winners were moved out
  }
  for (auto& loc : located)
    wipe(loc.match.value);
  for (auto& m : m_raw)
    wipe(m.value);
  return outcome;
}

FileOutcome FileScanner::scan_fd(int fd, std::string_view report_path, BinaryPolicy binary, size_t root_len) {
  return scan([fd](char* dst, size_t n) { return static_cast<long>(::read(fd, dst, n)); }, report_path, binary,
              root_len);
}

FileOutcome FileScanner::scan_bytes(std::string_view data, std::string_view report_path, BinaryPolicy binary) {
  size_t pos = 0;
  return scan(
      [&](char* dst, size_t n) {
        size_t k = std::min(n, data.size() - pos);
        std::memcpy(dst, data.data() + pos, k);
        pos += k;
        return static_cast<long>(k);
      },
      report_path, binary);
}

} // namespace dtscan
