// What `dtscan audit` reads of a repository besides its history: the files of the working tree that are
// not committed as they are (modified, added, untracked; ignored ones too unless asked not to, since
// leaked .env files are usually ignored), and the blob ids of HEAD's tree, which say whether a secret
// found in history is still present at HEAD.
#pragma once

#include "scanner/sources/glob.hpp"
#include "scanner/sources/oid_set.hpp"

#include <git2.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dtscan {

struct WorktreeFiles {
  std::vector<std::string> paths; // relative to the work tree, sorted; regular files only
  uint64_t excluded = 0;          // skipped by --exclude
};

// Empty for a bare repository. FatalError when the status cannot be computed. With ignored files
// included, by a walk of the work tree against the index (worktree_walk.hpp) where it can, which leaves
// out files whose content is a blob of `head`; else by libgit2's status.
WorktreeFiles uncommitted_files(git_repository* repo, const ExcludeSet& excludes, bool include_ignored,
                                const OidSet& head);

// libgit2's status alone: files that differ from the index or HEAD, by path.
WorktreeFiles uncommitted_files_by_status(git_repository* repo, const ExcludeSet& excludes, bool include_ignored);

// The blobs of HEAD's tree (empty for an unborn HEAD). FatalError when HEAD's tree cannot be read.
OidSet head_blobs(git_repository* repo);

} // namespace dtscan
