// Walks commits oldest first (git_commits.cpp picks them) and their trees, skipping every tree object
// already visited: a tree seen before holds only blobs seen before, so each tree and blob object is read
// once however many commits share it. For a range, the trees of the commits just outside it (its
// boundary) are marked seen first, so only what the range itself introduces is emitted, even across
// merges from the base branch.
#include "scanner/sources/git_history.hpp"

#include "scanner/error.hpp"
#include "scanner/printable.hpp"
#include "scanner/sources/git_commits.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/oid_set.hpp"

#include <fmt/format.h>

#include <cstring>

namespace dtscan {
namespace {

class TreeWalker {
public:
  TreeWalker(git_repository* repo, const ExcludeSet& excludes, const BlobSink& emit, const WarningSink& warn,
             HistoryStats& stats)
      : m_repo(repo), m_excludes(excludes), m_emit(emit), m_warn(warn), m_stats(stats) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) != 0)
      throw FatalError(fmt::format("cannot open the object database: {}", git_error_text()));
    m_odb.reset(odb);
  }

  // Emits the unseen blobs of a commit's tree.
  void visit(const git_oid& tree, const std::string& commit) {
    std::string prefix;
    walk(tree, prefix, &commit);
  }
  // A tree or blob that a ref points at directly: no commit; a blob is reported at the ref's name.
  void visit_object(const git_oid& id, const std::string& ref_name) {
    git_object_t type;
    size_t size;
    if (git_odb_read_header(&size, &type, m_odb.get(), &id) != 0) return;
    std::string prefix;
    if (type == GIT_OBJECT_TREE) {
      walk(id, prefix, &no_commit);
    } else if (type == GIT_OBJECT_BLOB && !m_seen.contains(id)) {
      m_seen.insert(id);
      m_emit(BlobJob{id, ref_name, std::nullopt});
    }
  }
  // Marks everything under the tree as seen without emitting it.
  void mark_seen(const git_oid& tree) {
    std::string prefix;
    walk(tree, prefix, nullptr);
  }

private:
  // Returns whether the whole tree was taken in (no entry was excluded), which alone lets it be skipped
  // the next time it appears: an excluded path inside it could be a scanned path elsewhere.
  bool walk(const git_oid& tree_id, std::string& prefix, const std::string* commit, unsigned depth = 0) {
    if (m_seen.contains(tree_id)) return true;
    // A tree that cannot be read is one warning and an error count, not the end of the scan: the rest
    // of the history is still worth scanning (partial clones, corrupt or hostile repositories).
    auto problem = [&](std::string_view what) {
      ++m_stats.errors;
      m_warn(fmt::format("dtscan: warning: {} tree {} at '{}'{}{}", what, oid_hex(tree_id),
                         printable(prefix.empty() ? std::string_view("/") : std::string_view(prefix)),
                         commit && commit != &no_commit ? " in commit " : "",
                         commit && commit != &no_commit ? commit->substr(0, 12) : ""));
      return false;
    };
    if (depth > max_depth) return problem("skipped (nested more than 4096 deep)");
    // The raw object, parsed here: a git_tree would be built, cached and locked for nothing, and this
    // loop is the single-threaded part of a history scan.
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, m_odb.get(), &tree_id) != 0)
      return problem(fmt::format("cannot read ({})", git_error_text()));
    GitOdbObject tree(raw);
    if (git_odb_object_type(raw) != GIT_OBJECT_TREE) return problem("not a tree:");
    const char* p = static_cast<const char*>(git_odb_object_data(raw));
    const char* const end = p + git_odb_object_size(raw);
    bool complete = true;
    const size_t base = prefix.size();
    while (p < end) {
      // "<octal mode> <name>\0<20-byte id>"
      uint32_t mode = 0;
      while (p < end && *p >= '0' && *p <= '7')
        mode = mode * 8 + static_cast<uint32_t>(*p++ - '0');
      const char* name = p < end && *p == ' ' ? p + 1 : end;
      const char* nul =
          name < end ? static_cast<const char*>(std::memchr(name, 0, static_cast<size_t>(end - name))) : nullptr;
      if (nul == nullptr || end - nul < 1 + GIT_OID_RAWSZ) {
        prefix.resize(base);
        return problem("corrupt");
      }
      git_oid id;
      git_oid_fromraw(&id, reinterpret_cast<const unsigned char*>(nul + 1));
      p = nul + 1 + GIT_OID_RAWSZ;
      if (mode != GIT_FILEMODE_TREE && mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        continue; // submodule commits and symbolic links hold no file content
      if (m_seen.contains(id)) continue;
      prefix.resize(base);
      prefix.append(name, nul);
      const EntryKind kind = mode == GIT_FILEMODE_TREE ? EntryKind::directory : EntryKind::file;
      if (commit && m_excludes.excludes_entry(prefix, kind)) {
        if (kind == EntryKind::file) ++m_stats.excluded;
        complete = false;
        continue;
      }
      if (kind == EntryKind::directory) {
        prefix += '/';
        complete &= walk(id, prefix, commit, depth + 1);
        continue;
      }
      m_seen.insert(id);
      if (commit) m_emit(BlobJob{id, prefix, commit == &no_commit ? std::nullopt : std::optional(*commit)});
    }
    prefix.resize(base);
    if (complete) m_seen.insert(tree_id);
    return complete;
  }

  git_repository* m_repo;
  GitOdb m_odb;
  const ExcludeSet& m_excludes;
  const BlobSink& m_emit;
  const WarningSink& m_warn;
  HistoryStats& m_stats;
  static constexpr unsigned max_depth = 4096; // git's own core.maxTreeDepth
  const std::string no_commit;                // marks a walk that emits blobs without a commit
  OidSet m_seen;                              // trees and blobs
};

} // namespace

HistoryStats history_blobs(git_repository* repo, const std::string& range, const ExcludeSet& excludes,
                           const BlobSink& emit, const WarningSink& warn, const std::vector<git_oid>& hide) {
  HistoryStats stats;
  TreeWalker walker(repo, excludes, emit, warn, stats);
  const CommitList list = list_commits(repo, range, hide);
  stats.tips = list.tips;
  for (const auto& tree : list.boundary_trees)
    walker.mark_seen(tree);
  for (size_t i = 0; i < list.commits.size(); ++i) {
    walker.visit(list.trees[i], oid_hex(list.commits[i]));
    ++stats.commits;
  }
  // Tags that point straight at a tree or a blob: reachable, but from no commit.
  for (size_t i = 0; i < list.other_objects.size(); ++i)
    walker.visit_object(list.other_objects[i], list.other_refs[i]);
  return stats;
}

} // namespace dtscan
