// Staged source (`dtscan staged`, the pre-commit hook): the index blobs of the paths that the next commit
// adds or changes compared with HEAD (or with the empty tree before the first commit). The working tree
// is never read for them.
#pragma once

#include "scanner/sources/blob_job.hpp"
#include "scanner/sources/glob.hpp"

#include <git2.h>

#include <vector>

namespace dtscan {

struct StagedBlobs {
  std::vector<BlobJob> jobs; // in index (path) order
  uint64_t excluded = 0;     // staged paths that --exclude / .dtscan.json skip
  uint64_t not_files = 0;    // submodules and symbolic links: nothing to scan
};

// FatalError for a bare repository (no index) or an unreadable index.
StagedBlobs staged_blobs(git_repository* repo, const ExcludeSet& excludes);

} // namespace dtscan
