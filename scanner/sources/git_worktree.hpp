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

// Empty for a bare repository. FatalError when the status cannot be computed.
WorktreeFiles uncommitted_files(git_repository* repo, const ExcludeSet& excludes, bool include_ignored);

// The blobs of HEAD's tree (empty for an unborn HEAD). FatalError when HEAD's tree cannot be read.
OidSet head_blobs(git_repository* repo);

} // namespace dtscan
