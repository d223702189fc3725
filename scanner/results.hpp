// Where per-file outcomes go, for every source (filesystem walk, staged index, git history): per-worker
// slots that need no lock, warnings and streamed findings serialised, the baseline applied as findings
// arrive, and one merge + sort at the end so the report does not depend on the thread count.
#pragma once

#include "scanner/baseline.hpp"
#include "scanner/file_scan.hpp"
#include "scanner/finding.hpp"
#include "scanner/progress.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

struct ScanCallbacks {
  std::function<void(const Finding&)> on_finding; // called under a lock as findings appear (jsonl)
  std::function<void(const std::string&)> warn;   // one-line warnings for stderr
};

class ResultCollector {
public:
  // slots: one per thread that records; baseline may be null (nothing is suppressed by it). also_files:
  // counters that files and bytes are added to as well, as they are recorded (audit: the whole audit's
  // progress line, shared by the repositories); may be null.
  ResultCollector(size_t slots, const ScanCallbacks& callbacks, const Baseline* baseline,
                  ProgressCounters* also_files = nullptr);

  // Findings of `outcome` get `commit` when it is set. Called concurrently with distinct slots.
  void record(size_t slot, FileOutcome&& outcome, std::string_view path, const std::optional<std::string>& commit = {});
  void skipped(size_t slot, uint64_t n = 1) { m_slots[slot].summary.files_skipped += n; }
  void error(size_t slot, const std::string& warning); // counts an error and prints its warning
  void add_errors(size_t slot, uint64_t n) { m_slots[slot].summary.errors += n; }
  void warn(const std::string& message);

  // Merges every slot into one sorted report. `accepted` receives the findings the baseline suppressed
  // (so that --write-baseline can record every current finding); may be null.
  Report finish(std::vector<Finding>* accepted = nullptr);

  // Running totals for the progress line (files scanned, bytes, findings reported so far).
  const ProgressCounters& progress() const { return m_progress; }

private:
  struct Slot {
    std::vector<Finding> findings;
    std::vector<Finding> baselined;
    Summary summary;
  };
  std::vector<Slot> m_slots;
  const ScanCallbacks& m_callbacks;
  const Baseline* m_baseline;
  std::mutex m_out_mutex;
  ProgressCounters m_progress;
  ProgressCounters* m_also_files;
};

} // namespace dtscan
