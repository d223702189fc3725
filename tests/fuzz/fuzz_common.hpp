// Shared by the fuzz targets: a failed invariant aborts (libFuzzer and the replay main both report an
// abort as a crash, with the message on stderr), a small reader that turns fuzz bytes into numbers and
// strings, and the checks every scan result must pass whatever the input. Header-only and independent of
// libFuzzer, so that the same targets build with g++ as replay executables (replay_main.cpp).
#pragma once

#include "scanner/file_scan.hpp"
#include "scanner/finding.hpp"
#include "scanner/rules.hpp"
#include "scanner/sha256.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

// The fuzzing entry point that every target defines (libFuzzer's, or replay_main.cpp's caller).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace dtscan::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s%s%s\n", file, line, what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// FUZZ_CHECK(cond) / FUZZ_CHECK_MSG(cond, detail-string): the invariant must hold on correct code.
#define FUZZ_CHECK(cond)                                                                                               \
  do {                                                                                                                 \
    if (!(cond)) ::dtscan::fuzz::fail(__FILE__, __LINE__, #cond, std::string());                                       \
  } while (0)
#define FUZZ_CHECK_MSG(cond, detail)                                                                                   \
  do {                                                                                                                 \
    if (!(cond)) ::dtscan::fuzz::fail(__FILE__, __LINE__, #cond, (detail));                                            \
  } while (0)

// Bytes as a C-escaped string, for failure messages.
inline std::string escaped(std::string_view s, size_t max = 400) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

// Consumes fuzz bytes front to back; past the end every read yields zeros / empty strings, so any input
// decodes to some value (no input is rejected, and a mutation changes one field, not the framing).
class Reader {
public:
  Reader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
  bool empty() const { return m_pos >= m_size; }
  uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
  uint64_t number(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v = v << 8 | byte();
    return v;
  }
  // A length byte, then up to that many bytes.
  std::string string() {
    size_t n = std::min<size_t>(byte(), m_size - std::min(m_pos, m_size));
    std::string s(reinterpret_cast<const char*>(m_data + m_pos), n);
    m_pos += n;
    return s;
  }
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(m_data + std::min(m_pos, m_size)), m_size - std::min(m_pos, m_size));
    m_pos = m_size;
    return s;
  }

private:
  const uint8_t* m_data;
  size_t m_size;
  size_t m_pos = 0;
};

// Where each line of `text` starts (line 1 at offset 0).
inline std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> out{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') out.push_back(i + 1);
  return out;
}

// The byte offset of a 1-based (line, byte column) position in `text`, checked to lie within that line
// (the column may point just past its last byte: an exclusive end).
inline size_t offset_of(const std::vector<size_t>& starts, std::string_view text, uint64_t line, uint64_t column,
                        const Finding& f) {
  FUZZ_CHECK_MSG(line >= 1 && line <= starts.size(), f.rule_id + " line " + std::to_string(line));
  const size_t begin = starts[line - 1];
  const size_t line_end = line < starts.size() ? starts[line] - 1 : text.size(); // the '\n' or the end
  FUZZ_CHECK_MSG(column >= 1 && column - 1 <= line_end - begin,
                 f.rule_id + " line " + std::to_string(line) + " column " + std::to_string(column));
  return begin + static_cast<size_t>(column - 1);
}

inline uint64_t code_points(std::string_view s) {
  return static_cast<uint64_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The invariants of one scan of `text`: positions inside the input and consistent with each other,
// findings sorted, value-free fields filled, the secret present exactly when the engine shows secrets.
// `exact_char_columns`: the scan read `text` in one window (code-point columns are then exact).
inline void check_findings(std::string_view text, const FileOutcome& out, SecretDisplay secrets,
                           bool exact_char_columns = true) {
  FUZZ_CHECK(out.status == FileOutcome::Status::scanned);
  FUZZ_CHECK(out.bytes == text.size());
  FUZZ_CHECK(out.findings.size() <= FileScanner::max_findings_per_file);
  const auto starts = line_starts(text);
  size_t previous_start = 0;
  for (const Finding& f : out.findings) {
    const size_t start = offset_of(starts, text, f.line, f.column, f);
    const size_t end = offset_of(starts, text, f.end_line, f.end_column, f);
    FUZZ_CHECK_MSG(start < end && end <= text.size(),
                   f.rule_id + " span " + std::to_string(start) + ".." + std::to_string(end));
    FUZZ_CHECK_MSG(start >= previous_start, "findings are not sorted by position");
    previous_start = start;
    const size_t line_start = starts[f.line - 1], end_line_start = starts[f.end_line - 1];
    if (exact_char_columns) {
      FUZZ_CHECK(f.char_column == 1 + code_points(text.substr(line_start, start - line_start)));
      FUZZ_CHECK(f.char_end_column == 1 + code_points(text.substr(end_line_start, end - end_line_start)));
    } else {
      FUZZ_CHECK(f.char_column >= 1 && f.char_column <= f.column);
      FUZZ_CHECK(f.char_end_column >= 1 && f.char_end_column <= f.end_column);
    }
    FUZZ_CHECK(!f.rule_id.empty());
    FUZZ_CHECK(!f.token_type.empty());
    FUZZ_CHECK(f.fingerprint.size() == 64);
    FUZZ_CHECK(!f.commit && !f.repository);
    if (secrets == SecretDisplay::redacted) {
      FUZZ_CHECK_MSG(f.secret.empty(), "a secret in a redacted scan's finding");
    } else {
      FUZZ_CHECK(!f.secret.empty());
      FUZZ_CHECK_MSG(f.fingerprint == sha256_hex(f.secret), "the fingerprint is not the SHA-256 of the value");
      // A value found as written is exactly the bytes at its span; an obfuscated one, the bytes without the
      // invisible characters that hid it (and it had some).
      std::string span(text.substr(start, end - start));
      if (f.decoded == Decoding::none &&
          std::find(f.reasons.begin(), f.reasons.end(), "obfuscated") != f.reasons.end()) {
        static const RuleSet builtin = load_rules({});
        std::string visible;
        for (size_t i = 0; i < span.size();) {
          size_t n = 0;
          for (const auto& ch : builtin.classification.invisible_characters)
            if (!ch.empty() && span.compare(i, ch.size(), ch) == 0) n = ch.size();
          if (n == 0) visible += span[i++];
          i += n;
        }
        FUZZ_CHECK_MSG(visible == f.secret && visible.size() < span.size(),
                       "obfuscated span \"" + escaped(span) + "\" != value \"" + escaped(f.secret) + "\"");
      } else if (f.decoded == Decoding::none) {
        FUZZ_CHECK_MSG(span == f.secret, "span \"" + escaped(span) + "\" != value \"" + escaped(f.secret) + "\"");
      }
    }
  }
}

} // namespace dtscan::fuzz
