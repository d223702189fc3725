// Unit tests of the text writer: the exact line shape, colours only when asked, one line per finding
// whatever the path holds, and the secret only under --show-secrets.
#include "report_samples.hpp"
#include "scanner/report/writers.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace dtscan;
using namespace dtscan::test;

namespace {

std::vector<std::string> text_lines(const Report& r, bool color = false, bool show_secrets = false) {
  ReportContext ctx;
  ctx.color = color;
  ctx.show_secrets = show_secrets;
  std::ostringstream out;
  write_text(out, r, ctx);
  const std::string s = out.str();
  REQUIRE(!s.empty());
  CHECK(s.back() == '\n');
  std::istringstream in(s);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

} // namespace

TEST_CASE("text: one line per finding and a summary line") {
  Report r;
  r.findings.push_back(fake_finding("deploy/install.sh", Severity::critical));
  Finding legacy = fake_finding("src/app.env", Severity::high);
  legacy.rule_id = "dynatrace-legacy-token";
  legacy.token_id.clear();
  legacy.redacted = "abc****";
  legacy.reasons = {"well-formed"};
  legacy.line = 3;
  legacy.column = 1;
  r.findings.push_back(legacy);
  r.summary.files_scanned = 12;
  r.summary.bytes_scanned = 3456;
  r.summary.files_skipped = 2;
  r.summary.by_severity[static_cast<size_t>(Severity::critical)] = 1;
  r.summary.by_severity[static_cast<size_t>(Severity::high)] = 1;

  const auto lines = text_lines(r);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "deploy/install.sh:12:27: CRITICAL dynatrace-token dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA "
                    "(well-formed, environment-url-in-file)");
  CHECK(lines[1] == "src/app.env:3:1: HIGH dynatrace-legacy-token abc**** (well-formed)");
  CHECK(lines[2] == "dtscan: 2 findings (1 critical, 1 high, 0 medium, 0 low, 0 info) in 12 files, 3456 bytes; "
                    "2 skipped, 0 errors, 0 suppressed");
}

TEST_CASE("text: every severity is upper-case; colours only when asked") {
  Report r;
  for (Severity s : all_severities)
    r.findings.push_back(fake_finding("a.txt", s));
  const auto plain = text_lines(r);
  CHECK(plain[0].find(": CRITICAL ") != std::string::npos);
  CHECK(plain[1].find(": HIGH ") != std::string::npos);
  CHECK(plain[2].find(": MEDIUM ") != std::string::npos);
  CHECK(plain[3].find(": LOW ") != std::string::npos);
  CHECK(plain[4].find(": INFO ") != std::string::npos);
  for (const auto& l : plain)
    CHECK(l.find('\x1b') == std::string::npos);

  const auto colored = text_lines(r, true);
  CHECK(colored[0].find("\x1b[1;31mCRITICAL\x1b[0m") != std::string::npos);
  CHECK(colored[1].find("\x1b[31mHIGH\x1b[0m") != std::string::npos);
  CHECK(colored[2].find("\x1b[33mMEDIUM\x1b[0m") != std::string::npos);
  CHECK(colored[3].find("\x1b[36mLOW\x1b[0m") != std::string::npos);
  CHECK(colored[4].find("\x1b[2mINFO\x1b[0m") != std::string::npos);
  CHECK(colored[0].rfind("a.txt:12:27: ", 0) == 0); // only the severity word is wrapped
}

TEST_CASE("text: control bytes in a path are escaped, other bytes are raw") {
  Report r;
  r.findings.push_back(fake_finding(std::string("dir/evil\nname\x7f\t\xff.txt"), Severity::high));
  const auto lines = text_lines(r);
  REQUIRE(lines.size() == 2); // the newline in the name did not split the finding
  CHECK(lines[0].rfind("dir/evil\\x0aname\\x7f\\x09\xff.txt:12:27: HIGH ", 0) == 0);
}

TEST_CASE("text: the secret appears only under show_secrets") {
  Report r;
  r.findings.push_back(fake_finding("a.txt", Severity::high));
  for (const auto& l : text_lines(r))
    CHECK(l.find(k_fake_secret) == std::string::npos);
  const auto shown = text_lines(r, false, true);
  CHECK(shown[0].size() > k_fake_secret.size());
  CHECK(shown[0].substr(shown[0].size() - k_fake_secret.size() - 8) == " secret=" + k_fake_secret);

  r.findings[0].secret.clear();
  CHECK(text_lines(r, false, true)[0].find("secret=") == std::string::npos);
}

TEST_CASE("text: singular counts and an empty report") {
  Report r;
  r.summary.files_scanned = 1;
  r.summary.errors = 1;
  r.summary.suppressed = 4;
  const auto lines = text_lines(r);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "dtscan: 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info) in 1 file, 0 bytes; "
                    "0 skipped, 1 error, 4 suppressed");
}

TEST_CASE("text: a finding from history names its commit (12 hex digits)") {
  Report r;
  Finding f = fake_finding("deploy/install.sh", Severity::critical);
  f.commit = "0123456789abcdef0123456789abcdef01234567";
  r.findings.push_back(f);
  auto lines = text_lines(r);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].size() > 25);
  CHECK(lines[0].substr(lines[0].size() - 23) == " in commit 0123456789ab");
}
