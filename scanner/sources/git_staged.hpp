// Staged source (`dtscan staged`, the pre-commit hook): the index blobs of the paths that the next commit
// adds or changes compared with HEAD (or with the empty tree before the first commit). The working tree
// is never read for them. GIT_INDEX_FILE, which git sets for hooks of `git commit -a` and `git commit
// PATH`, names the index to use instead of the repository's own.
#pragma once

#include "scanner/sources/blob_job.hpp"
#include "scanner/sources/glob.hpp"

#include <git2.h>

#include <optional>
#include <vector>

namespace dtscan {

struct StagedBlobs {
  std::vector<BlobJob> jobs;             // in index (path) order
  uint64_t excluded = 0;                 // staged paths that --exclude / .dtscan.json skip
  uint64_t not_files = 0;                // submodules and symbolic links: nothing to scan
  std::vector<std::string> not_in_index; // indexed_blobs(): named paths with no entry in the index
};

// FatalError for a bare repository (no index) or an unreadable index.
StagedBlobs staged_blobs(git_repository* repo, const ExcludeSet& excludes);

// The index blobs at the named paths (repository-relative; a directory names every entry below it),
// whether or not they differ from HEAD: `dtscan staged PATH...`, as the pre-commit framework calls the
// hook. In a commit it names the staged files, so this is what staged_blobs() gives; under
// `pre-commit run --all-files` it names every tracked file, so committed leaks are found too.
StagedBlobs indexed_blobs(git_repository* repo, const ExcludeSet& excludes, const std::vector<std::string>& paths);

// The two ways staged_blobs() may take, exposed so that tests can check that they agree. The first reads
// the index file itself (nullopt when it declines the file); the second is libgit2's tree-to-index diff.
std::optional<StagedBlobs> staged_blobs_from_index_file(git_repository* repo, const ExcludeSet& excludes);
StagedBlobs staged_blobs_libgit2(git_repository* repo, const ExcludeSet& excludes);

} // namespace dtscan
