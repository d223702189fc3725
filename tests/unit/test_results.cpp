// ResultCollector: per-slot counts merge into one summary, findings come out sorted whatever the slot
// they were recorded in, the baseline suppresses (and counts) its findings, and commits are attached.
// WorkQueue: bounded, drains after close.
#include "scanner/results.hpp"
#include "scanner/work_queue.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace dtscan;

namespace {

Finding finding(char fp, std::string path, uint64_t line, Severity sev) {
  Finding f;
  f.fingerprint = std::string(64, fp);
  f.rule_id = "dynatrace-token";
  f.path = std::move(path);
  f.line = line;
  f.severity = sev;
  return f;
}

FileOutcome outcome(std::vector<Finding> findings, uint64_t bytes, uint64_t suppressed = 0) {
  FileOutcome o;
  o.findings = std::move(findings);
  o.bytes = bytes;
  o.suppressed = suppressed;
  return o;
}

} // namespace

TEST_CASE("ResultCollector: merge, sort, counts, commit, baseline") {
  Baseline baseline = Baseline::from_findings({finding('b', "old.sh", 99, Severity::high)});
  std::vector<std::string> streamed, warnings;
  ScanCallbacks cb;
  cb.on_finding = [&](const Finding& f) { streamed.push_back(f.path); };
  cb.warn = [&](const std::string& w) { warnings.push_back(w); };
  ResultCollector c(3, cb, &baseline);

  c.record(2, outcome({finding('a', "z.sh", 1, Severity::critical)}, 10, 1), "z.sh");
  c.record(0, outcome({finding('c', "a.sh", 5, Severity::high), finding('b', "old.sh", 3, Severity::high)}, 20), "a.sh",
           std::string(40, '1'));
  FileOutcome binary;
  binary.status = FileOutcome::Status::binary;
  c.record(1, std::move(binary), "bin");
  FileOutcome broken;
  broken.status = FileOutcome::Status::error;
  broken.error = "Input/output error";
  c.record(1, std::move(broken), "broken");
  c.skipped(1, 2);
  c.add_errors(0, 1);

  std::vector<Finding> accepted;
  Report r = c.finish(&accepted);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].path == "a.sh");
  CHECK(r.findings[0].commit == std::string(40, '1'));
  CHECK(r.findings[1].path == "z.sh");
  CHECK_FALSE(r.findings[1].commit.has_value());
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].path == "old.sh"); // the baselined one, kept for --write-baseline
  CHECK(r.summary.files_scanned == 2);
  CHECK(r.summary.bytes_scanned == 30);
  CHECK(r.summary.files_skipped == 3);
  CHECK(r.summary.errors == 2);
  CHECK(r.summary.suppressed == 2); // one inline, one by the baseline
  CHECK(r.summary.by_severity[static_cast<size_t>(Severity::critical)] == 1);
  CHECK(r.summary.by_severity[static_cast<size_t>(Severity::high)] == 1);
  CHECK(streamed.size() == 2); // the baselined finding is not streamed
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "dtscan: warning: cannot read 'broken': Input/output error");
}

TEST_CASE("ResultCollector: files and bytes also go to shared counters as they are recorded (audit progress)") {
  ScanCallbacks callbacks;
  ProgressCounters shared;
  shared.files = 10; // another repository's, already counted
  ResultCollector a(1, callbacks, nullptr, &shared);
  a.record(0, outcome({}, 100), "a.txt");
  CHECK(shared.files.load() == 11); // before finish(): the line advances per blob, not per repository
  CHECK(shared.bytes.load() == 100);
  ResultCollector b(1, callbacks, nullptr, &shared);
  b.record(0, outcome({}, 5), "b.txt");
  CHECK(shared.files.load() == 12);
  CHECK(shared.bytes.load() == 105);
  CHECK(a.progress().files.load() == 1); // each collector still has its own
}

TEST_CASE("WorkQueue: bounded, every item popped once, drains after close") {
  WorkQueue<int> q(2);
  std::atomic<int> sum{0}, count{0};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 3; ++i)
    consumers.emplace_back([&] {
      while (auto v = q.pop()) {
        sum += *v;
        ++count;
      }
    });
  for (int i = 1; i <= 1000; ++i)
    q.push(int{i});
  q.close();
  for (auto& t : consumers)
    t.join();
  CHECK(count == 1000);
  CHECK(sum == 500500);
  CHECK_FALSE(q.pop().has_value());
}
