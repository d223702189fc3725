// The scan pipeline for `dtscan scan`: filesystem walk (and standard input) -> per-worker FileScanner ->
// ResultCollector -> one sorted Report. The same input gives the same report whatever the thread count.
#pragma once

#include "scanner/file_scan.hpp"
#include "scanner/finding.hpp"
#include "scanner/results.hpp"
#include "scanner/sources/fs_walk.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dtscan {

struct ScanConfig {
  std::vector<std::string> paths; // "-" is standard input
  WalkOptions walk;
  std::optional<uint64_t> max_file_size;
};

// The collector needs walk.threads + 1 slots (the last one is for standard input).
void run_scan(const ScanEngine& engine, const ScanConfig& config, ResultCollector& collector);

} // namespace dtscan
