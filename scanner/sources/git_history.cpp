// Walks commits oldest first and their trees, skipping every tree object already visited: a tree seen
// before holds only blobs seen before, so each tree and blob object is read once however many commits
// share it. For a range, the trees of the commits just outside it (its boundary) are marked seen first,
// so only what the range itself introduces is emitted, even across merges from the base branch.
#include "scanner/sources/git_history.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/git_repo.hpp"

#include <fmt/format.h>

#include <unordered_set>
#include <vector>

namespace dtscan {
namespace {

class TreeWalker {
public:
  TreeWalker(git_repository* repo, const ExcludeSet& excludes, const BlobSink& emit, HistoryStats& stats)
      : m_repo(repo), m_excludes(excludes), m_emit(emit), m_stats(stats) {}

  // Emits the unseen blobs of a commit's tree.
  void visit(const git_oid& tree, const std::string& commit) {
    std::string prefix;
    walk(tree, prefix, &commit);
  }
  // Marks everything under the tree as seen without emitting it.
  void mark_seen(const git_oid& tree) {
    std::string prefix;
    walk(tree, prefix, nullptr);
  }

private:
  // Returns whether the whole tree was taken in (no entry was excluded), which alone lets it be skipped
  // the next time it appears: an excluded path inside it could be a scanned path elsewhere.
  bool walk(const git_oid& tree_id, std::string& prefix, const std::string* commit) {
    if (m_seen.count(tree_id)) return true;
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, m_repo, &tree_id) != 0)
      throw FatalError(fmt::format("cannot read tree {}: {}", oid_hex(tree_id), git_error_text()));
    GitTree tree(raw);
    bool complete = true;
    const size_t base = prefix.size();
    const size_t n = git_tree_entrycount(tree.get());
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const git_filemode_t mode = git_tree_entry_filemode(e);
      const git_oid* id = git_tree_entry_id(e);
      if (mode != GIT_FILEMODE_TREE && mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        continue; // submodule commits and symbolic links hold no file content
      if (m_seen.count(*id)) continue;
      prefix.resize(base);
      prefix += git_tree_entry_name(e);
      const EntryKind kind = mode == GIT_FILEMODE_TREE ? EntryKind::directory : EntryKind::file;
      if (commit && m_excludes.excludes_entry(prefix, kind)) {
        if (kind == EntryKind::file) ++m_stats.excluded;
        complete = false;
        continue;
      }
      if (kind == EntryKind::directory) {
        prefix += '/';
        complete &= walk(*id, prefix, commit);
        continue;
      }
      m_seen.insert(*id);
      if (commit) m_emit(BlobJob{*id, prefix, *commit});
    }
    prefix.resize(base);
    if (complete) m_seen.insert(tree_id);
    return complete;
  }

  git_repository* m_repo;
  const ExcludeSet& m_excludes;
  const BlobSink& m_emit;
  HistoryStats& m_stats;
  std::unordered_set<git_oid, OidHash, OidEqual> m_seen; // trees and blobs
};

GitCommit lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &id) != 0)
    throw FatalError(fmt::format("cannot read commit {}: {}", oid_hex(id), git_error_text()));
  return GitCommit(raw);
}

// The commits to visit, oldest first (parents before children, then by time).
std::vector<git_oid> list_commits(git_repository* repo, const std::string& range) {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) != 0) throw FatalError(fmt::format("cannot walk history: {}", git_error_text()));
  GitRevwalk walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
  if (range.empty()) {
    if (git_revwalk_push_glob(walk.get(), "refs/*") != 0)
      throw FatalError(fmt::format("cannot list references: {}", git_error_text()));
    // A detached HEAD is reachable from no ref; an unborn one (no commit yet) has nothing to add.
    if (git_repository_head_unborn(repo) != 1 && git_revwalk_push_head(walk.get()) != 0)
      throw FatalError(fmt::format("cannot read HEAD: {}", git_error_text()));
  } else {
    auto dots = range.find("..");
    if (dots == std::string::npos || dots == 0 || dots + 2 >= range.size() || range.find("...") != std::string::npos)
      throw FatalError(fmt::format("--range expects A..B (two revisions), got '{}'", range));
    if (git_revwalk_push_range(walk.get(), range.c_str()) != 0)
      throw FatalError(fmt::format("invalid --range '{}': {}", range, git_error_text()));
  }
  std::vector<git_oid> commits;
  git_oid id;
  int rc;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0)
    commits.push_back(id);
  if (rc != GIT_ITEROVER) throw FatalError(fmt::format("cannot walk history: {}", git_error_text()));
  return commits;
}

} // namespace

HistoryStats history_blobs(git_repository* repo, const std::string& range, const ExcludeSet& excludes,
                           const BlobSink& emit) {
  HistoryStats stats;
  TreeWalker walker(repo, excludes, emit, stats);
  const std::vector<git_oid> commits = list_commits(repo, range);
  if (!range.empty()) {
    std::unordered_set<git_oid, OidHash, OidEqual> in_range(commits.begin(), commits.end());
    std::vector<git_oid> boundary;
    std::unordered_set<git_oid, OidHash, OidEqual> boundary_seen;
    for (const auto& id : commits) {
      GitCommit c = lookup_commit(repo, id);
      for (unsigned p = 0; p < git_commit_parentcount(c.get()); ++p) {
        const git_oid* parent = git_commit_parent_id(c.get(), p);
        if (!in_range.count(*parent) && boundary_seen.insert(*parent).second) boundary.push_back(*parent);
      }
    }
    for (const auto& id : boundary)
      walker.mark_seen(*git_commit_tree_id(lookup_commit(repo, id).get()));
  }
  for (const auto& id : commits) {
    GitCommit c = lookup_commit(repo, id);
    walker.visit(*git_commit_tree_id(c.get()), oid_hex(id));
    ++stats.commits;
  }
  return stats;
}

} // namespace dtscan
