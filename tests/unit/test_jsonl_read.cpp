// Reading jsonl reports back (dtscan merge): a report written and read again is the same report, field
// for field (verification, audit rows, shard included); malformed lines and a missing summary line are
// errors naming the file and line and never quoting it; secrets are kept only when asked.
#include "report_samples.hpp"
#include "scanner/error.hpp"
#include "scanner/report/jsonl_read.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/sources/repo_discovery.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace dtscan;
using namespace dtscan::test;

namespace {

Report audit_report() {
  Report r;
  Finding a = fake_finding("deploy/install.sh", Severity::critical);
  a.repository = "team/a";
  a.commit = "0123456789abcdef0123456789abcdef01234567";
  a.in_head = true;
  a.decoded = Decoding::percent;
  Verification v;
  v.status = Verification::Status::active;
  v.environment = "https://abc12345.live.dynatrace.com";
  v.scopes = std::vector<std::string>{"apiTokens.write", "metrics.read"};
  v.expires = "2027-01-01T00:00:00Z";
  v.name = "ci";
  a.verification = v;
  r.findings.push_back(a);
  Finding b = fake_finding("src/app.env", Severity::info);
  b.token_id.clear();
  b.repository = "team/b";
  b.in_head = false;
  r.findings.push_back(b);
  r.summary.files_scanned = 7;
  r.summary.bytes_scanned = 700;
  r.summary.errors = 1;
  r.summary.by_severity[static_cast<size_t>(Severity::critical)] = 1;
  r.summary.by_severity[static_cast<size_t>(Severity::info)] = 1;
  AuditSummary audit;
  RepositorySummary row;
  row.repository = "team/a";
  row.commits = 3;
  row.blobs = 5;
  row.worktree_files = 1;
  row.by_severity[static_cast<size_t>(Severity::critical)] = 1;
  audit.repositories.push_back(row);
  row.repository = "broken";
  row.by_severity = {};
  row.error = "corrupt object";
  audit.repositories.push_back(row);
  audit.shard = ShardId{2, 3};
  r.summary.audit = audit;
  return r;
}

std::string jsonl_of(const Report& r, bool show_secrets) {
  ReportContext ctx;
  ctx.show_secrets = show_secrets;
  std::ostringstream out;
  JsonlWriter w(out, ctx);
  for (const Finding& f : r.findings)
    w.finding(f);
  w.finish(r.summary);
  return out.str();
}

Report read(const std::string& text, bool keep_secrets = false) {
  std::istringstream in(text);
  return read_jsonl_report(in, "shard.jsonl", keep_secrets);
}

std::string error_of(const std::string& text) {
  try {
    read(text);
  } catch (const FatalError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("jsonl read: written and read again, the same report") {
  const std::string once = jsonl_of(audit_report(), false);
  const Report back = read(once);
  CHECK(jsonl_of(back, false) == once);
  REQUIRE(back.findings.size() == 2);
  CHECK(back.findings[0].verification->scopes->at(0) == "apiTokens.write");
  CHECK(back.findings[0].decoded == Decoding::percent);
  CHECK(back.findings[1].in_head == false);
  REQUIRE(back.summary.audit);
  CHECK(back.summary.audit->shard->index == 2);
  CHECK(back.summary.audit->shard->count == 3);
  CHECK(back.summary.audit->repositories[1].error == "corrupt object");
}

TEST_CASE("jsonl read: the secret is kept only when asked") {
  const std::string with_secret = jsonl_of(audit_report(), true);
  CHECK(with_secret.find(k_fake_secret) != std::string::npos);
  CHECK(read(with_secret, false).findings[0].secret.empty());
  CHECK(read(with_secret, true).findings[0].secret == k_fake_secret);
}

TEST_CASE("jsonl read: a scan report has no audit table") {
  Report r = audit_report();
  r.summary.audit.reset();
  CHECK_FALSE(read(jsonl_of(r, false)).summary.audit.has_value());
}

TEST_CASE("jsonl read: errors name the file and line, never the line's text") {
  const std::string good = jsonl_of(audit_report(), true);
  const std::string first = good.substr(0, good.find('\n') + 1);
  CHECK(error_of(first).find("no summary line") != std::string::npos);
  const std::string cut = good.substr(0, good.size() - 20);
  const std::string e = error_of(cut);
  CHECK(e.find("'shard.jsonl' line 3: not JSON") == 0);
  CHECK(error_of("{\"rule_id\":\"x\",\"secret\":\"" + k_fake_secret).find(k_fake_secret) == std::string::npos);
  CHECK(error_of("[1]\n").find("line 1: not a dtscan jsonl line: not a JSON object") != std::string::npos);
  CHECK(error_of("{\"rule_id\":1}\n").find("\"rule_id\" is not a string") != std::string::npos);
  CHECK(error_of(good + good).find("after the summary line") != std::string::npos);
  std::string bad_severity = first;
  bad_severity.replace(bad_severity.find("\"critical\""), 10, "\"severe\"");
  CHECK(error_of(bad_severity).find("\"severity\" is not a severity") != std::string::npos);
}

TEST_CASE("shard_of: FNV-1a 64, stable across machines and runs") {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
  CHECK(shard_of("a", 3) == 1 + 0xaf63dc4c8601ec8cull % 3);
  CHECK(shard_of("a", 1) == 1);
  unsigned counts[4] = {};
  for (int i = 0; i < 300; ++i)
    ++counts[shard_of("team/svc-" + std::to_string(i), 3)];
  CHECK(counts[0] == 0);
  for (int k = 1; k <= 3; ++k)
    CHECK(counts[k] > 70); // spread, not all in one shard
}
