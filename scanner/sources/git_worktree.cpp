// libgit2's status (index and work tree against HEAD) for the uncommitted files, when the faster walk of
// worktree_walk.cpp declines; git_tree_walk for HEAD.
#include "scanner/sources/git_worktree.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/worktree_walk.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <optional>

namespace dtscan {

WorktreeFiles uncommitted_files(git_repository* repo, const ExcludeSet& excludes, bool include_ignored,
                                const OidSet& head) {
  if (include_ignored)
    if (std::optional<WorktreeFiles> walked = uncommitted_files_by_walk(repo, excludes, head)) return *walked;
  return uncommitted_files_by_status(repo, excludes, include_ignored);
}

WorktreeFiles uncommitted_files_by_status(git_repository* repo, const ExcludeSet& excludes, bool include_ignored) {
  WorktreeFiles out;
  const char* workdir = git_repository_workdir(repo);
  if (git_repository_is_bare(repo) || workdir == nullptr) return out;
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
  if (include_ignored) opts.flags |= GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repo, &opts) != 0)
    throw FatalError(fmt::format("cannot read the work tree's status: {}", git_error_text()));
  std::unique_ptr<git_status_list, decltype(&git_status_list_free)> list(raw, git_status_list_free);
  constexpr unsigned changed = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_RENAMED |
                               GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_NEW | GIT_STATUS_WT_MODIFIED |
                               GIT_STATUS_WT_RENAMED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_IGNORED |
                               GIT_STATUS_CONFLICTED; // the file may have been edited since the merge stopped
  const std::string root = workdir;
  for (size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if (!e || !(e->status & changed) || (e->status & GIT_STATUS_WT_DELETED)) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (!d || !d->new_file.path) continue;
    const std::string path = d->new_file.path;
    if (!path.empty() && path.back() == '/') continue; // an ignored directory libgit2 did not expand
    struct stat st {};
    if (::lstat((root + path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue; // gone, link, special
    if (excludes.excludes(path, EntryKind::file)) {
      ++out.excluded;
      continue;
    }
    out.paths.push_back(path);
  }
  std::sort(out.paths.begin(), out.paths.end());
  out.paths.erase(std::unique(out.paths.begin(), out.paths.end()), out.paths.end());
  return out;
}

namespace {

extern "C" int collect_blob(const char*, const git_tree_entry* entry, void* payload) {
  if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) static_cast<OidSet*>(payload)->insert(*git_tree_entry_id(entry));
  return 0;
}

} // namespace

OidSet head_blobs(git_repository* repo) {
  OidSet blobs;
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return blobs;
  if (rc != 0) throw FatalError(fmt::format("cannot read HEAD: {}", git_error_text()));
  GitTree tree(reinterpret_cast<git_tree*>(obj));
  if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collect_blob, &blobs) != 0)
    throw FatalError(fmt::format("cannot read HEAD's tree: {}", git_error_text()));
  return blobs;
}

} // namespace dtscan
