// The uncommitted files of a work tree found without libgit2's status, for `dtscan audit`: one walk of the
// work tree (directory entries and one lstat per tracked file) against the index's stat data, as git
// itself does. libgit2's status costs about twice as much (it also evaluates ignore rules for each file
// and diffs HEAD against the index), and on an audit of many small repositories that was a tenth of the
// run. The walk declines (nullopt) whatever it does not handle the way git would; the caller then asks
// libgit2.
#pragma once

#include "scanner/sources/git_worktree.hpp"

#include <optional>

namespace dtscan {

// The regular files of the work tree whose content is not a blob of HEAD's tree (`head`): untracked and
// ignored files, files changed since they were staged (stat data differ, or the entry is racily clean
// and the content hashes differently), and files staged with content HEAD does not have. Skips .git,
// nested repositories and submodules. nullopt: a bare repository, an index the reader declines, a sparse
// checkout, core.ignorecase, an unreadable directory, or a tree nested too deep.
std::optional<WorktreeFiles> uncommitted_files_by_walk(git_repository* repo, const ExcludeSet& excludes,
                                                       const OidSet& head);

} // namespace dtscan
