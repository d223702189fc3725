// The scan pipeline for `dtscan scan`: filesystem walk (and standard input) -> per-worker FileScanner ->
// per-worker results -> one sorted Report. The same input gives the same report whatever the thread count.
#pragma once

#include "scanner/file_scan.hpp"
#include "scanner/finding.hpp"
#include "scanner/sources/fs_walk.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dtscan {

struct ScanConfig {
  std::vector<std::string> paths; // "-" is standard input
  WalkOptions walk;
  std::optional<uint64_t> max_file_size;
};

struct ScanCallbacks {
  std::function<void(const Finding&)> on_finding; // called under a lock as findings appear (jsonl)
  std::function<void(const std::string&)> warn;   // one-line warnings for stderr
};

Report run_scan(const ScanEngine& engine, const ScanConfig& config, const ScanCallbacks& callbacks);

} // namespace dtscan
