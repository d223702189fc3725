// Unit tests of the json and jsonl writers: exact key order, nulls, the secret only under
// --show-secrets, and valid JSON whatever bytes a path holds.
#include "report_samples.hpp"
#include "scanner/report/writers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace dtscan;
using namespace dtscan::test;
using nlohmann::ordered_json;

namespace {

Report fake_report() {
  Report r;
  r.findings.push_back(fake_finding("deploy/install.sh", Severity::critical));
  Finding legacy = fake_finding("src/app.env", Severity::high);
  legacy.rule_id = "dynatrace-legacy-token";
  legacy.token_type = "legacy-api-token";
  legacy.token_id.clear();
  legacy.redacted = "abc****";
  legacy.decoded = Decoding::base64;
  legacy.commit = "0123456789abcdef0123456789abcdef01234567";
  legacy.repository = "repos/one";
  r.findings.push_back(legacy);
  r.summary.files_scanned = 12;
  r.summary.bytes_scanned = 3456;
  r.summary.files_skipped = 2;
  r.summary.errors = 1;
  r.summary.suppressed = 3;
  r.summary.by_severity[static_cast<size_t>(Severity::critical)] = 1;
  r.summary.by_severity[static_cast<size_t>(Severity::high)] = 1;
  return r;
}

std::vector<std::string> keys_of(const ordered_json& j) {
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it)
    keys.push_back(it.key());
  return keys;
}

std::string json_of(const Report& r, bool show_secrets = false) {
  ReportContext ctx;
  ctx.show_secrets = show_secrets;
  ctx.version = "9.9.9";
  std::ostringstream out;
  write_json(out, r, ctx);
  return out.str();
}

const std::vector<std::string> k_finding_keys = {"rule_id",  "token_type",  "severity", "reasons",    "path",
                                                 "line",     "column",      "end_line", "end_column", "token_id",
                                                 "redacted", "fingerprint", "decoded",  "commit",     "repository"};

} // namespace

TEST_CASE("json: document keys and finding keys are in SPEC order") {
  const std::string text = json_of(fake_report());
  const auto doc = ordered_json::parse(text);
  CHECK(keys_of(doc) == std::vector<std::string>{"schema", "tool", "findings", "summary"});
  CHECK(doc["schema"] == "dtscan/report/v1");
  CHECK(keys_of(doc["tool"]) == std::vector<std::string>{"name", "version"});
  CHECK(doc["tool"]["version"] == "9.9.9");
  REQUIRE(doc["findings"].size() == 2);
  CHECK(keys_of(doc["findings"][0]) == k_finding_keys);
  CHECK(keys_of(doc["summary"]) == std::vector<std::string>{"files_scanned", "bytes_scanned", "files_skipped", "errors",
                                                            "suppressed", "by_severity"});
  CHECK(keys_of(doc["summary"]["by_severity"]) ==
        std::vector<std::string>{"critical", "high", "medium", "low", "info"});
}

TEST_CASE("json: values, nulls and order of findings") {
  const auto doc = ordered_json::parse(json_of(fake_report()));
  const auto& a = doc["findings"][0];
  const auto& b = doc["findings"][1];
  CHECK(a["path"] == "deploy/install.sh");
  CHECK(a["severity"] == "critical");
  CHECK(a["reasons"] == ordered_json::array({"well-formed", "environment-url-in-file"}));
  CHECK(a["line"] == 12);
  CHECK(a["column"] == 27);
  CHECK(a["end_column"] == 117);
  CHECK(a["token_id"] == "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK(a["decoded"].is_null());
  CHECK(a["commit"].is_null());
  CHECK(a["repository"].is_null());
  CHECK(b["path"] == "src/app.env");
  CHECK(b["token_id"].is_null());
  CHECK(b["decoded"] == "base64");
  CHECK(b["commit"] == "0123456789abcdef0123456789abcdef01234567");
  CHECK(b["repository"] == "repos/one");
  const auto& s = doc["summary"];
  CHECK(s["files_scanned"] == 12);
  CHECK(s["bytes_scanned"] == 3456);
  CHECK(s["files_skipped"] == 2);
  CHECK(s["errors"] == 1);
  CHECK(s["suppressed"] == 3);
  CHECK(s["by_severity"]["critical"] == 1);
  CHECK(s["by_severity"]["high"] == 1);
  CHECK(s["by_severity"]["info"] == 0);
}

TEST_CASE("json: pretty-printed with two spaces and a trailing newline") {
  const std::string text = json_of(fake_report());
  CHECK(text.rfind("{\n  \"schema\": \"dtscan/report/v1\",\n", 0) == 0);
  CHECK(text.size() >= 2);
  CHECK(text.substr(text.size() - 2) == "}\n");
}

TEST_CASE("json: the secret appears only under show_secrets") {
  CHECK(json_of(fake_report()).find(k_fake_secret) == std::string::npos);
  const auto doc = ordered_json::parse(json_of(fake_report(), true));
  CHECK(doc["findings"][0]["secret"] == k_fake_secret);
  CHECK(keys_of(doc["findings"][0]).back() == "secret");

  Report no_secret = fake_report();
  for (auto& f : no_secret.findings)
    f.secret.clear();
  const auto doc2 = ordered_json::parse(json_of(no_secret, true));
  CHECK_FALSE(doc2["findings"][0].contains("secret"));
}

TEST_CASE("json: invalid UTF-8 in a path still gives valid JSON") {
  Report r;
  r.findings.push_back(fake_finding(std::string("bad\xff\xfe/na\xc3(me.txt"), Severity::high));
  const std::string text = json_of(r);
  ordered_json doc;
  REQUIRE_NOTHROW(doc = ordered_json::parse(text));
  const std::string path = doc["findings"][0]["path"];
  CHECK(path.rfind("bad\xEF\xBF\xBD", 0) == 0); // U+FFFD replaces the invalid bytes
  CHECK(path.find("/na") != std::string::npos);
}

TEST_CASE("json: an empty report is still the full document") {
  const auto doc = ordered_json::parse(json_of(Report{}));
  CHECK(doc["findings"].is_array());
  CHECK(doc["findings"].empty());
  CHECK(doc["summary"]["by_severity"].size() == 5);
}

TEST_CASE("jsonl: one compact finding per line, then the summary line") {
  const Report r = fake_report();
  ReportContext ctx;
  std::ostringstream out;
  JsonlWriter w(out, ctx);
  for (const Finding& f : r.findings)
    w.finding(f);
  w.finish(r.summary);

  std::istringstream in(out.str());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  REQUIRE(lines.size() == r.findings.size() + 1);
  CHECK(out.str().back() == '\n');

  const auto doc = ordered_json::parse(json_of(r));
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const auto obj = ordered_json::parse(lines[i]);
    CHECK(keys_of(obj) == k_finding_keys);
    CHECK(obj == doc["findings"][i]); // the same object as in the json document
    CHECK(lines[i].find('\n') == std::string::npos);
    CHECK(lines[i].find("  ") == std::string::npos); // compact
  }
  const auto last = ordered_json::parse(lines.back());
  CHECK(keys_of(last) == std::vector<std::string>{"summary"});
  CHECK(last["summary"] == doc["summary"]);
  CHECK(out.str().find(k_fake_secret) == std::string::npos);
}

TEST_CASE("jsonl: invalid UTF-8 and show_secrets") {
  ReportContext ctx;
  ctx.show_secrets = true;
  std::ostringstream out;
  JsonlWriter w(out, ctx);
  w.finding(fake_finding(std::string("p\x80q"), Severity::low));
  const auto obj = ordered_json::parse(out.str());
  CHECK(obj["path"] == "p\xEF\xBF\xBDq");
  CHECK(obj["secret"] == k_fake_secret);
}
