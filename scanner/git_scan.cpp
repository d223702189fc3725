// Blob reading and scanning for the git commands; see git_scan.hpp.
#include "scanner/git_scan.hpp"

#include "scanner/printable.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/work_queue.hpp"

#include <fmt/format.h>

#include <memory>
#include <thread>
#include <vector>

namespace dtscan {
namespace {

// Reads and scans one blob; oversized blobs are skipped before their content is read.
class BlobScanner {
public:
  BlobScanner(const ScanEngine& engine, git_repository* repo, uint64_t max_size, const OidSet* head_blobs,
              ResultCollector& collector, size_t slot)
      : m_scanner(engine), m_repo(repo), m_max_size(max_size), m_head_blobs(head_blobs), m_collector(collector),
        m_slot(slot) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) == 0) m_odb.reset(odb);
  }

  void scan(const BlobJob& job) {
    const std::string where = job.commit
                                  ? fmt::format("{} in commit {}", printable(job.path), job.commit->substr(0, 12))
                                  : printable(job.path);
    size_t size = 0;
    git_object_t type;
    if (m_odb && git_odb_read_header(&size, &type, m_odb.get(), &job.oid) == 0 && size > m_max_size) {
      m_collector.skipped(m_slot);
      m_collector.warn(fmt::format("dtscan: warning: skipped '{}': {} bytes is over the limit of {} bytes "
                                   "(--max-file-size)",
                                   where, size, m_max_size));
      return;
    }
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, m_repo, &job.oid) != 0) {
      m_collector.error(m_slot, fmt::format("dtscan: warning: cannot read '{}' (blob {}): {}", where, oid_hex(job.oid),
                                            git_error_text()));
      return;
    }
    GitBlob blob(raw);
    std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                             static_cast<size_t>(git_blob_rawsize(blob.get())));
    FileOutcome outcome = m_scanner.scan_bytes(content, job.path, BinaryPolicy::skip);
    const bool in_head = m_head_blobs && m_head_blobs->contains(job.oid);
    for (Finding& f : outcome.findings) {
      if (in_head) f.in_head = true;
      f.blob = oid_hex(job.oid);
    }
    m_collector.record(m_slot, std::move(outcome), job.path, job.commit);
  }

private:
  FileScanner m_scanner;
  git_repository* m_repo;
  GitOdb m_odb;
  uint64_t m_max_size;
  const OidSet* m_head_blobs;
  ResultCollector& m_collector;
  size_t m_slot;
};

} // namespace

void scan_blobs(const ScanEngine& engine, git_repository* repo, const BlobScanConfig& config,
                const std::function<void(const BlobSink&)>& produce, ResultCollector& collector) {
  const uint64_t max_size = config.max_blob_size.value_or(BlobScanConfig::default_max_blob_size);
  const unsigned threads = std::max(1u, config.threads);
  if (threads == 1) {
    BlobScanner inline_scanner(engine, repo, max_size, config.head_blobs, collector, 0);
    produce([&](BlobJob&& job) { inline_scanner.scan(job); });
    return;
  }

  // threads - 1 workers, each with its own repository handle (libgit2 objects are not shared between
  // threads); the producing thread is the last of `threads`: when the queue is full it scans the job it
  // holds instead of waiting, so no core idles whether walking or scanning is the slower side.
  const unsigned workers_wanted = threads - 1;
  std::vector<GitRepository> repos;
  for (unsigned i = 0; i < workers_wanted; ++i)
    repos.push_back(reopen_repository(repo));
  WorkQueue<BlobJob> queue(8 * threads);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < workers_wanted; ++i) {
    workers.emplace_back([&, i] {
      BlobScanner scanner(engine, repos[i].get(), max_size, config.head_blobs, collector, i);
      while (auto job = queue.pop())
        scanner.scan(*job);
    });
  }
  struct Joiner {
    WorkQueue<BlobJob>& queue;
    std::vector<std::thread>& workers;
    ~Joiner() {
      queue.close();
      for (auto& w : workers)
        w.join();
    }
  } joiner{queue, workers};
  BlobScanner own(engine, repo, max_size, config.head_blobs, collector, workers_wanted);
  produce([&](BlobJob&& job) {
    if (!queue.try_push(job)) own.scan(job);
  });
}

} // namespace dtscan
