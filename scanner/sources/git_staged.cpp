// Two ways to find the staged paths, with the same answer. The fast one reads the index file itself and
// walks it against HEAD's tree, skipping every directory whose cache-tree entry still equals HEAD's tree
// (git keeps those valid and invalidates only the directories of changed paths), so its cost does not
// grow with unchanged files; it also reads split and sparse indexes, which libgit2 1.5 cannot. The other
// is libgit2's tree-to-index diff, used when the index file is one the reader declines. Binary detection
// is left to the scanner (its NUL-byte rule).
#include "scanner/sources/git_staged.hpp"

#include "scanner/error.hpp"
#include "scanner/sources/git_index_file.hpp"
#include "scanner/sources/git_repo.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

namespace dtscan {
namespace {

bool is_file_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// HEAD's tree, or null before the first commit (an unborn branch).
GitTree head_tree(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return nullptr;
  if (rc != 0) throw FatalError(fmt::format("cannot read HEAD: {}", git_error_text()));
  return GitTree(reinterpret_cast<git_tree*>(obj));
}

// GIT_INDEX_FILE when set (relative to the current directory, the work tree root in a hook).
std::string index_path(git_repository* repo) {
  const char* env = std::getenv("GIT_INDEX_FILE");
  if (env != nullptr && *env != '\0') return env;
  return std::string(git_repository_path(repo)) + "index";
}

bool is_empty_blob(const git_oid& oid) {
  static const git_oid empty = [] {
    git_oid id;
    git_oid_fromstr(&id, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    return id;
  }();
  return git_oid_equal(&oid, &empty) != 0;
}

// Sorts one staged path into the result. An empty file (or a `git add -N` path, which stages the empty
// blob) has nothing to scan.
void add_staged(StagedBlobs& staged, const ExcludeSet& excludes, std::string_view path, uint32_t mode,
                const git_oid& oid) {
  if (is_empty_blob(oid)) return;
  if (!is_file_mode(mode)) {
    ++staged.not_files; // a submodule or a symbolic link
  } else if (excludes.excludes(path, EntryKind::file)) {
    ++staged.excluded;
  } else {
    staged.jobs.push_back(BlobJob{oid, std::string(path), std::nullopt});
  }
}

class CacheTreeComparer {
public:
  CacheTreeComparer(git_repository* repo, IndexEntryStream& entries, const ExcludeSet& excludes, StagedBlobs& out)
      : m_repo(repo), m_entries(entries), m_excludes(excludes), m_out(out) {}

  // Consumes the entries under `prefix` (empty or ending in '/'), which the stream is at; `node` is their
  // cache-tree directory (may be null) and `head` the oid of HEAD's tree for the same directory (may be
  // null). Returns false if the index turned out to be inconsistent.
  bool compare(const std::string& prefix, const CacheTreeNode* node, const git_oid* head) {
    if (node && head && node->entry_count >= 0 && git_oid_equal(&node->oid, head))
      return skip(static_cast<uint64_t>(node->entry_count), prefix); // the index would write HEAD's tree here
    GitTree tree;
    if (head) {
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, m_repo, head) != 0)
        throw FatalError(fmt::format("cannot read tree {}: {}", oid_hex(*head), git_error_text()));
      tree.reset(raw);
    }
    std::string name; // NUL-terminated copy for libgit2's lookups
    auto in_head = [&](std::string_view n) -> const git_tree_entry* {
      if (!tree) return nullptr;
      name.assign(n);
      return git_tree_entry_byname(tree.get(), name.c_str());
    };
    while (const IndexEntry* e = m_entries.peek()) {
      if (!e->path.starts_with(prefix)) break;
      const std::string_view rest = e->path.substr(prefix.size());
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) {
        const IndexEntry entry = *e;
        const std::string path(entry.path); // the stream reuses its buffer
        bool conflicted = entry.stage != 0;
        m_entries.advance();
        for (const IndexEntry* same; (same = m_entries.peek()) && same->path == path; m_entries.advance())
          conflicted |= same->stage != 0;
        if (conflicted) continue; // a conflict cannot be committed until it is resolved
        const git_tree_entry* old = in_head(std::string_view(path).substr(prefix.size()));
        const bool unchanged = old && git_oid_equal(git_tree_entry_id(old), &entry.oid) &&
                               static_cast<uint32_t>(git_tree_entry_filemode(old)) == entry.mode;
        if (!unchanged) add_staged(m_out, m_excludes, path, entry.mode, entry.oid);
        continue;
      }
      const std::string child_prefix(e->path.substr(0, prefix.size() + slash + 1));
      const std::string dir(rest.substr(0, slash));
      const git_tree_entry* old = in_head(dir);
      const git_oid* head_sub = old && git_tree_entry_type(old) == GIT_OBJECT_TREE ? git_tree_entry_id(old) : nullptr;
      if (e->sparse_dir && e->path.size() == child_prefix.size()) {
        // A directory outside a sparse checkout, held as one tree: staged only if that tree changed.
        const git_oid sparse_tree = e->oid;
        m_entries.advance();
        if (!head_sub || !git_oid_equal(head_sub, &sparse_tree)) compare_trees(head_sub, sparse_tree, child_prefix);
        continue;
      }
      const CacheTreeNode* child = nullptr;
      if (node)
        for (const auto& c : node->children)
          if (c.name == dir) {
            child = &c;
            break;
          }
      if (!compare(child_prefix, child, head_sub)) return false;
    }
    return !m_entries.failed();
  }

private:
  // The blobs of tree `to` that tree `from` (null: none) does not have at the same path and mode.
  void compare_trees(const git_oid* from, const git_oid& to, std::string_view prefix) {
    auto lookup = [&](const git_oid& id) {
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, m_repo, &id) != 0)
        throw FatalError(fmt::format("cannot read tree {}: {}", oid_hex(id), git_error_text()));
      return GitTree(raw);
    };
    GitTree old_tree = from ? lookup(*from) : nullptr;
    GitTree new_tree = lookup(to);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
    git_diff* raw = nullptr;
    if (git_diff_tree_to_tree(&raw, m_repo, old_tree.get(), new_tree.get(), &opts) != 0)
      throw FatalError(fmt::format("cannot compare trees: {}", git_error_text()));
    GitDiff diff(raw);
    for (size_t k = 0; k < git_diff_num_deltas(diff.get()); ++k) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), k);
      if (d->status == GIT_DELTA_DELETED) continue;
      add_staged(m_out, m_excludes, std::string(prefix) + d->new_file.path, d->new_file.mode, d->new_file.id);
    }
  }

  // Skips the `count` entries a valid cache-tree node covers, checking that they are exactly the
  // entries under `prefix`.
  bool skip(uint64_t count, const std::string& prefix) {
    const IndexEntry* first = m_entries.peek();
    if (count == 0) return !(first && first->path.starts_with(prefix)) && !m_entries.failed(); // empty tree
    if (!first || !first->path.starts_with(prefix)) return false;
    m_entries.skip(count - 1);
    const IndexEntry* last = m_entries.peek();
    if (!last || !last->path.starts_with(prefix)) return false;
    m_entries.advance();
    const IndexEntry* next = m_entries.peek();
    return !(next && next->path.starts_with(prefix)) && !m_entries.failed();
  }

  git_repository* m_repo;
  IndexEntryStream& m_entries;
  const ExcludeSet& m_excludes;
  StagedBlobs& m_out;
};

} // namespace

std::optional<StagedBlobs> staged_blobs_from_index_file(git_repository* repo, const ExcludeSet& excludes) {
  std::optional<GitIndexFile> index = GitIndexFile::read(index_path(repo), git_repository_path(repo));
  if (!index) return std::nullopt;
  GitTree tree = head_tree(repo);
  StagedBlobs staged;
  IndexEntryStream entries = index->stream();
  if (!CacheTreeComparer(repo, entries, excludes, staged)
           .compare("", index->cache_tree(), tree ? git_tree_id(tree.get()) : nullptr))
    return std::nullopt; // inconsistent (a cache-tree that does not match its entries): let libgit2 judge
  return staged;
}

StagedBlobs staged_blobs_libgit2(git_repository* repo, const ExcludeSet& excludes) {
  git_index* raw_index = nullptr;
  const std::string path = index_path(repo);
  if (std::getenv("GIT_INDEX_FILE") != nullptr ? git_index_open(&raw_index, path.c_str()) != 0
                                               : git_repository_index(&raw_index, repo) != 0)
    throw FatalError(fmt::format("cannot read the git index {}: {}", path, git_error_text()));
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
    add_staged(staged, excludes, f.path, f.mode, f.id);
  }
  return staged;
}

namespace {

void require_work_tree(git_repository* repo) {
  if (git_repository_is_bare(repo))
    throw FatalError(
        fmt::format("'dtscan staged' needs a work tree; {} is a bare repository", git_repository_path(repo)));
}

// Which of `paths` (each "" for the whole tree, a file, or a directory) cover `path`; marks them used.
bool named(std::string_view path, const std::vector<std::string>& paths, std::vector<bool>& used) {
  bool hit = false;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& p = paths[i];
    if (p.empty() || path == p || (path.size() > p.size() && path.starts_with(p) && path[p.size()] == '/')) {
      used[i] = true;
      hit = true;
    }
  }
  return hit;
}

// Visits (path, mode, oid) of each stage-0 entry of the index: with the index-file reader where it
// accepts the file (split and sparse indexes included), else with libgit2.
template <typename Visit> void for_each_index_entry(git_repository* repo, Visit visit) {
  if (std::optional<GitIndexFile> file = GitIndexFile::read(index_path(repo), git_repository_path(repo))) {
    IndexEntryStream entries = file->stream();
    std::vector<std::tuple<std::string, uint32_t, git_oid>> seen;
    for (const IndexEntry* e; (e = entries.peek()) != nullptr; entries.advance())
      if (e->stage == 0 && !e->sparse_dir) seen.emplace_back(std::string(e->path), e->mode, e->oid);
    if (!entries.failed()) {
      for (const auto& [path, mode, oid] : seen)
        visit(std::string_view(path), mode, oid);
      return;
    }
  }
  git_index* raw_index = nullptr;
  const std::string path = index_path(repo);
  if (std::getenv("GIT_INDEX_FILE") != nullptr ? git_index_open(&raw_index, path.c_str()) != 0
                                               : git_repository_index(&raw_index, repo) != 0)
    throw FatalError(fmt::format("cannot read the git index {}: {}", path, git_error_text()));
  GitIndex index(raw_index);
  for (size_t i = 0; i < git_index_entrycount(index.get()); ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    if (e && GIT_INDEX_ENTRY_STAGE(e) == 0) visit(std::string_view(e->path), e->mode, e->id);
  }
}

} // namespace

StagedBlobs indexed_blobs(git_repository* repo, const ExcludeSet& excludes, const std::vector<std::string>& paths) {
  require_work_tree(repo);
  StagedBlobs out;
  std::vector<bool> used(paths.size(), false);
  for_each_index_entry(repo, [&](std::string_view path, uint32_t mode, const git_oid& oid) {
    if (named(path, paths, used)) add_staged(out, excludes, path, mode, oid);
  });
  for (size_t i = 0; i < paths.size(); ++i)
    if (!used[i]) out.not_in_index.push_back(paths[i]);
  return out;
}

StagedBlobs staged_blobs(git_repository* repo, const ExcludeSet& excludes) {
  require_work_tree(repo);
  if (auto fast = staged_blobs_from_index_file(repo, excludes)) return std::move(*fast);
  return staged_blobs_libgit2(repo, excludes);
}

} // namespace dtscan
