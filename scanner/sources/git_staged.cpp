// A tree-to-index diff gives exactly the changed paths; binary detection is skipped here because it
// would load every changed blob a second time (the scanner applies its own NUL-byte rule).
#include "scanner/sources/git_staged.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/git_repo.hpp"

#include <fmt/format.h>

namespace dtscan {
namespace {

// HEAD's tree, or null before the first commit (an unborn branch).
GitTree head_tree(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return nullptr;
  if (rc != 0) throw FatalError(fmt::format("cannot read HEAD: {}", git_error_text()));
  return GitTree(reinterpret_cast<git_tree*>(obj));
}

} // namespace

StagedBlobs staged_blobs(git_repository* repo, const ExcludeSet& excludes) {
  if (git_repository_is_bare(repo))
    throw FatalError(
        fmt::format("'dtscan staged' needs a work tree; {} is a bare repository", git_repository_path(repo)));
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) != 0)
    throw FatalError(fmt::format("cannot read the git index: {}", git_error_text()));
  GitIndex index(raw_index);
  GitTree tree = head_tree(repo);

  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_IGNORE_SUBMODULES;
  git_diff* raw_diff = nullptr;
  if (git_diff_tree_to_index(&raw_diff, repo, tree.get(), index.get(), &opts) != 0)
    throw FatalError(fmt::format("cannot compare the index with HEAD: {}", git_error_text()));
  GitDiff diff(raw_diff);

  StagedBlobs staged;
  const size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    switch (d->status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_RENAMED:
    case GIT_DELTA_COPIED:
    case GIT_DELTA_TYPECHANGE: break;
    default: continue; // deleted, or conflicted (nothing can be committed until it is resolved)
    }
    const git_diff_file& f = d->new_file;
    if (f.mode != GIT_FILEMODE_BLOB && f.mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
      ++staged.not_files;
      continue;
    }
    if (excludes.excludes(f.path, EntryKind::file)) {
      ++staged.excluded;
      continue;
    }
    staged.jobs.push_back(BlobJob{f.id, f.path, std::nullopt});
  }
  return staged;
}

} // namespace dtscan
