// Runs FileScanners over the files the walker hands out, one scanner (and read buffer) per worker; the
// ResultCollector merges the per-worker results into one sorted report at the end.
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

namespace dtscan {
namespace {

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

void run_scan(const ScanEngine& engine, const ScanConfig& config, ResultCollector& collector) {
  const unsigned threads = std::max(1u, config.walk.threads);
  const size_t stdin_slot = threads;
  std::vector<std::unique_ptr<FileScanner>> scanners;
  for (unsigned i = 0; i <= threads; ++i)
    scanners.push_back(std::make_unique<FileScanner>(engine));

  std::vector<std::string> roots;
  bool read_stdin = false;
  for (const auto& p : config.paths) {
    if (p == "-")
      read_stdin = true;
    else
      roots.push_back(p);
  }

  if (read_stdin)
    collector.record(stdin_slot, scanners[stdin_slot]->scan_fd(STDIN_FILENO, "stdin", BinaryPolicy::scan), "stdin");

  auto visit = [&](const FileEntry& file, unsigned worker) {
    int fd = open_entry(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      collector.error(worker, fmt::format("dtscan: warning: cannot open '{}': {}", printable(file.report_path),
                                          std::strerror(errno)));
      return;
    }
    FileDescriptor guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      collector.skipped(worker); // replaced by something that is not a regular file since the walk saw it
      return;
    }
    if (config.max_file_size && static_cast<uint64_t>(st.st_size) > *config.max_file_size) {
      collector.skipped(worker);
      return;
    }
    // O_NONBLOCK guarded the open against a FIFO swapped in after the walk; it does not affect reads of a
    // regular file, so it stays set.
    BinaryPolicy binary = file.explicit_arg ? BinaryPolicy::scan : BinaryPolicy::skip;
    collector.record(worker, scanners[worker]->scan_fd(fd, file.report_path, binary, file.root_len), file.report_path);
  };

  if (!roots.empty()) {
    WalkStats stats = walk_parallel(roots, config.walk, visit, [&](const std::string& msg) { collector.warn(msg); });
    collector.skipped(stdin_slot, stats.skipped);
    collector.add_errors(stdin_slot, stats.errors); // each one was already a warning
  }
}

} // namespace dtscan
