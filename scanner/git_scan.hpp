// The pipeline of the git commands: a source (staged index or history walk) emits blob jobs on the
// calling thread, workers (each with its own repository handle and FileScanner) read and scan the blobs,
// and a ResultCollector gathers the outcomes.
#pragma once

#include "scanner/file_scan.hpp"
#include "scanner/results.hpp"
#include "scanner/sources/blob_job.hpp"
#include "scanner/sources/oid_set.hpp"

#include <git2.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace dtscan {

struct BlobScanConfig {
  unsigned threads = 1;
  std::optional<uint64_t> max_blob_size; // unset: default_max_blob_size
  const OidSet* head_blobs = nullptr;    // audit: findings in these blobs get in_head = true
  static constexpr uint64_t default_max_blob_size = uint64_t{100} << 20;
};

// Calls produce(sink) on this thread; every job given to sink is scanned, by threads - 1 workers or by
// this thread when they are busy. The collector needs threads + 1 slots (slot `threads` is free for the
// caller's own counts).
void scan_blobs(const ScanEngine& engine, git_repository* repo, const BlobScanConfig& config,
                const std::function<void(const BlobSink&)>& produce, ResultCollector& collector);

} // namespace dtscan
