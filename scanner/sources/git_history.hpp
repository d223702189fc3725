// History source (`dtscan git`): every blob reachable from any ref, or only the blobs that the commits of
// a range A..B add or change. Each blob is emitted once (deduplicated by object id) with the first commit,
// oldest first, whose tree holds it and its path there: the commit that introduced it.
#pragma once

#include "scanner/sources/blob_job.hpp"
#include "scanner/sources/fs_walk.hpp"
#include "scanner/sources/glob.hpp"

#include <git2.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dtscan {

struct HistoryStats {
  uint64_t commits = 0;      // commits whose trees were visited
  uint64_t excluded = 0;     // blob paths skipped by --exclude / .dtscan.json
  uint64_t errors = 0;       // trees that could not be read (each also a warning)
  std::vector<git_oid> tips; // full history: the commits walked from (what audit --state records)
};

// range: empty for the whole history, else "A..B". Emits on the calling thread. FatalError for a bad
// range or a commit that cannot be read; a tree that cannot be read is a warning and the walk goes on.
// hide: see list_commits (audit --state: the tips of the previous audit).
HistoryStats history_blobs(git_repository* repo, const std::string& range, const ExcludeSet& excludes,
                           const BlobSink& emit, const WarningSink& warn, const std::vector<git_oid>& hide = {});

} // namespace dtscan
