// Runs FileScanners over the files the walker hands out, one scanner (and read buffer) per worker, and
// merges the per-worker results into one sorted report at the end.
#include "scanner/scan.hpp"

#include "scanner/printable.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

namespace dtscan {
namespace {

struct WorkerResult {
  std::vector<Finding> findings;
  Summary summary;
};

class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

} // namespace

Report run_scan(const ScanEngine& engine, const ScanConfig& config, const ScanCallbacks& callbacks) {
  const unsigned threads = std::max(1u, config.walk.threads);
  std::vector<WorkerResult> results(threads + 1); // the last slot is for standard input
  std::vector<std::unique_ptr<FileScanner>> scanners;
  for (unsigned i = 0; i <= threads; ++i)
    scanners.push_back(std::make_unique<FileScanner>(engine));
  std::mutex out_mutex;

  auto warn = [&](const std::string& msg) {
    std::lock_guard lock(out_mutex);
    if (callbacks.warn) callbacks.warn(msg);
  };
  auto record = [&](WorkerResult& r, FileOutcome&& outcome, std::string_view path) {
    switch (outcome.status) {
    case FileOutcome::Status::binary: ++r.summary.files_skipped; return;
    case FileOutcome::Status::error:
      ++r.summary.errors;
      warn(fmt::format("dtscan: warning: cannot read '{}': {}", printable(path), outcome.error));
      return;
    case FileOutcome::Status::scanned: break;
    }
    ++r.summary.files_scanned;
    r.summary.bytes_scanned += outcome.bytes;
    r.summary.suppressed += outcome.suppressed;
    if (outcome.truncated_findings)
      warn(fmt::format("dtscan: warning: '{}': more than {} matches, the rest were not reported", printable(path),
                       FileScanner::max_findings_per_file));
    for (auto& f : outcome.findings) {
      ++r.summary.by_severity[static_cast<size_t>(f.severity)];
      if (callbacks.on_finding) {
        std::lock_guard lock(out_mutex);
        callbacks.on_finding(f);
      }
      r.findings.push_back(std::move(f));
    }
  };

  std::vector<std::string> roots;
  bool read_stdin = false;
  for (const auto& p : config.paths) {
    if (p == "-")
      read_stdin = true;
    else
      roots.push_back(p);
  }

  if (read_stdin) {
    FileOutcome outcome = scanners[threads]->scan_fd(STDIN_FILENO, "stdin", BinaryPolicy::scan);
    record(results[threads], std::move(outcome), "stdin");
  }

  auto visit = [&](const FileEntry& file, unsigned worker) {
    WorkerResult& r = results[worker];
    int fd = ::open(file.open_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      ++r.summary.errors;
      warn(fmt::format("dtscan: warning: cannot open '{}': {}", printable(file.report_path), std::strerror(errno)));
      return;
    }
    FileDescriptor guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ++r.summary.files_skipped; // replaced by something that is not a regular file since the walk saw it
      return;
    }
    if (config.max_file_size && static_cast<uint64_t>(st.st_size) > *config.max_file_size) {
      ++r.summary.files_skipped;
      return;
    }
    // O_NONBLOCK guarded the open against a FIFO swapped in after the walk; it does not affect reads of a
    // regular file, so it stays set.
    BinaryPolicy binary = file.explicit_arg ? BinaryPolicy::scan : BinaryPolicy::skip;
    record(r, scanners[worker]->scan_fd(fd, file.report_path, binary), file.report_path);
  };

  Report report;
  if (!roots.empty()) {
    WalkStats stats = walk_parallel(roots, config.walk, visit, warn);
    report.summary.files_skipped += stats.skipped;
    report.summary.errors += stats.errors;
  }

  for (auto& r : results) {
    report.summary.files_scanned += r.summary.files_scanned;
    report.summary.bytes_scanned += r.summary.bytes_scanned;
    report.summary.files_skipped += r.summary.files_skipped;
    report.summary.errors += r.summary.errors;
    report.summary.suppressed += r.summary.suppressed;
    for (size_t i = 0; i < r.summary.by_severity.size(); ++i)
      report.summary.by_severity[i] += r.summary.by_severity[i];
    std::move(r.findings.begin(), r.findings.end(), std::back_inserter(report.findings));
  }
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  return report;
}

} // namespace dtscan
