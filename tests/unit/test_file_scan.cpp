// FileScanner: chunked reading finds a token that straddles a chunk boundary exactly once with the right
// line and column, whatever the chunk size; binary detection; read errors become outcomes.
#include "scan_helpers.hpp"

#include <doctest/doctest.h>

#include <cerrno>

using namespace dtscan;
using namespace dtscan::test;

namespace {
FileOutcome scan_chunked(const std::string& data, size_t chunk, BinaryPolicy binary = BinaryPolicy::skip) {
  FileScanner scanner(engine(), chunk);
  size_t pos = 0;
  return scanner.scan(
      [&](char* dst, size_t n) {
        // Short reads on purpose: at most 1000 bytes at a time.
        size_t k = std::min({n, data.size() - pos, size_t{1000}});
        std::copy_n(data.data() + pos, k, dst);
        pos += k;
        return static_cast<long>(k);
      },
      "big.txt", binary);
}
} // namespace

TEST_CASE("tokens across chunk boundaries are found once, at the right place") {
  const size_t chunk = 4096;
  std::string token = fake("@@dt0c01@@");
  std::string line(99, 'a');
  line += '\n';
  std::string data;
  while (data.size() < 10 * chunk)
    data += line;
  // Place tokens so that they straddle each boundary at different offsets.
  std::vector<size_t> at;
  for (size_t k = 1; k < 9; ++k)
    at.push_back(k * chunk - 10 * k);
  for (size_t p : at)
    data.replace(p - 1, token.size() + 2, " " + token + " ");
  data += token; // and one at the very end, no trailing newline
  for (size_t c : {chunk, chunk * 2, size_t{1} << 20}) {
    CAPTURE(c);
    auto out = scan_chunked(data, c);
    REQUIRE(out.status == FileOutcome::Status::scanned);
    REQUIRE(out.findings.size() == at.size() + 1);
    for (size_t i = 0; i < at.size(); ++i) {
      size_t line_no = 1 + static_cast<size_t>(std::count(data.begin(), data.begin() + static_cast<long>(at[i]), '\n'));
      size_t line_start = data.rfind('\n', at[i]);
      CHECK(out.findings[i].line == line_no);
      CHECK(out.findings[i].column == at[i] - (line_start == std::string::npos ? 0 : line_start + 1) + 1);
    }
    CHECK(out.bytes == data.size());
  }
}

TEST_CASE("an environment URL in an early chunk raises a token in a later chunk") {
  std::string data = "url: https://abc12345.live.dynatrace.com\n" + std::string(20000, '\n') + fake("@@dt0c01@@");
  auto out = scan_chunked(data, 4096);
  REQUIRE(out.findings.size() == 1);
  CHECK(out.findings[0].severity == Severity::critical);
}

TEST_CASE("binary files are skipped unless the policy says scan") {
  std::string data = std::string("abc\0def", 7) + fake(" @@dt0c01@@");
  CHECK(scan_chunked(data, 4096).status == FileOutcome::Status::binary);
  auto scanned = scan_chunked(data, 4096, BinaryPolicy::scan);
  CHECK(scanned.status == FileOutcome::Status::scanned);
  CHECK(scanned.findings.size() == 1);
  // A NUL after the first 8 KiB does not make a file binary.
  std::string late = std::string(9000, 'x') + std::string(1, '\0') + fake(" @@dt0c01@@");
  CHECK(scan_chunked(late, 4096).findings.size() == 1);
}

TEST_CASE("a read error is an outcome, not an exception") {
  FileScanner scanner(engine());
  auto out = scanner.scan(
      [](char*, size_t) {
        errno = EIO;
        return -1L;
      },
      "broken.txt", BinaryPolicy::skip);
  CHECK(out.status == FileOutcome::Status::error);
  CHECK(out.error.find("Input/output error") != std::string::npos);
}

TEST_CASE("a file of only 'dt0c01.' repeated has no finding and does not stall") {
  std::string data;
  for (int i = 0; i < 200000; ++i)
    data += "dt0c01.";
  CHECK(scan_chunked(data, 1 << 16).findings.empty());
}

TEST_CASE("a dtscan:allow comment suppresses findings on its line only, and they are counted") {
  FileScanner scanner(engine());
  auto out = scanner.scan_bytes(fake("a = '@@dt0c01@@'  # dtscan:allow\nb = '@@dt0c01@@'\n"), "x.py");
  REQUIRE(out.findings.size() == 1);
  CHECK(out.findings[0].line == 2);
  CHECK(out.suppressed == 1);
  auto none = scanner.scan_bytes(fake("# dtscan:allow\nb = '@@dt0c01@@'\n"), "x.py");
  CHECK(none.findings.size() == 1);
  CHECK(none.suppressed == 0);
}

TEST_CASE("many findings on one line: code-point columns and dtscan:allow stay exact") {
  // "é" and "€" are 2 and 3 bytes: byte and code-point columns part after them.
  std::string line = fake("é @@dt0c01@@ € @@dt0c01@@ x @@dt0c01@@");
  auto f = scan(line + "\n" + fake("@@dt0c01@@ € @@dt0c01@@ dtscan:allow") + "\n");
  REQUIRE(f.size() == 3); // the second line is allowed
  CHECK(f[0].column == 4);
  CHECK(f[0].char_column == 3);
  CHECK(f[0].char_end_column == f[0].char_column + 96); // a dt0c01 token is 96 characters
  CHECK(f[1].column == 4 + 96 + 5);                     // " € " is 5 bytes
  CHECK(f[1].char_column == 3 + 96 + 3);                // and 3 code points
  CHECK(f[2].char_column == f[1].char_column + 96 + 3);
  CHECK(f[2].char_end_column == f[2].char_column + 96);

  // Thousands of tokens on one line: every one found, columns in order (and quickly: linear, not quadratic).
  std::string many;
  for (int i = 0; i < 3000; ++i)
    many += fake("@@dt0c01@@ ", std::to_string(i));
  auto all = scan(many);
  REQUIRE(all.size() == 3000);
  for (size_t i = 0; i < all.size(); ++i)
    CHECK(all[i].char_column == 1 + i * 97);
}
