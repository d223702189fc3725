// A read-only parser of git's index file (versions 2 to 4), its cache-tree, split-index ("link") and
// sparse-index extensions. libgit2 1.5 reads an index of 100,000 entries in hundreds of milliseconds (it
// hashes the whole file and allocates per entry) and cannot read split or sparse indexes at all; a
// pre-commit hook can afford neither. This parser maps the file, checks it once and then streams its
// entries (only a split index, whose entries come from two files, is merged into a list). Anything it
// does not understand makes it decline, and the caller falls back to libgit2.
#pragma once

#include <git2/oid.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dtscan {

// The stat data git keeps per entry (each field as stored: 32 bits), to tell a file unchanged since it
// was staged without reading it.
struct IndexStat {
  uint32_t ctime_s = 0, ctime_ns = 0, mtime_s = 0, mtime_ns = 0, dev = 0, ino = 0, uid = 0, gid = 0, size = 0;
};

struct IndexEntry {
  std::string_view path; // into the mapped file or the version-4 path arena; a sparse directory ends in '/'
  uint32_t mode = 0;
  git_oid oid{};              // a blob, a submodule commit, or (sparse_dir) a tree
  unsigned stage = 0;         // 0 normal; 1..3 an unresolved conflict
  bool intent_to_add = false; // `git add -N`: nothing staged yet
  bool skip_worktree = false; // sparse checkout: the work tree's file is not compared with this entry
  IndexStat stat;
  bool sparse_dir = false; // a sparse index's entry for a whole directory outside the sparse checkout
};

// A split index's "link" extension: the shared index it builds on and the entries it changes there.
struct IndexSplitLink {
  bool present = false;
  git_oid shared{};
  std::vector<size_t> deleted, replaced; // positions in the shared index
};

// One directory of the cache-tree: the tree object the index would write for it, when still valid.
struct CacheTreeNode {
  std::string_view name;    // one path component; "" for the root
  int64_t entry_count = -1; // index entries below it; -1: invalidated since the last write
  git_oid oid{};            // meaningful only when entry_count >= 0
  std::vector<CacheTreeNode> children;
};

// Reads the entries of a GitIndexFile in order, one at a time: an index of 100,000 entries is never
// held as 100,000 records. peek()'s entry (and its path) stays valid until advance().
class IndexEntryStream {
public:
  const IndexEntry* peek(); // the current entry; null at the end
  void advance();
  void skip(uint64_t n);                   // advances n entries, decoding as little as the format allows
  bool failed() const { return m_failed; } // the bytes changed under the reader since it checked them

private:
  friend class GitIndexFile;
  const std::vector<IndexEntry>* m_list = nullptr; // a merged split index
  size_t m_index = 0;
  std::string_view m_raw; // else: the entries as they are in the file
  uint32_t m_version = 2, m_left = 0;
  size_t m_pos = 0, m_next_pos = 0;
  std::string m_v4_path;
  IndexEntry m_current;
  bool m_loaded = false, m_failed = false;
};

class GitIndexFile {
public:
  // nullopt when the file cannot be read or uses a feature this parser does not handle. parse() borrows
  // `bytes` (they must outlive the result); read() maps the file and owns the mapping.
  // A split index's shared part is read from `git_dir`/sharedindex.<id>; parse() declines a split index.
  static std::optional<GitIndexFile> parse(std::string_view bytes);
  static std::optional<GitIndexFile> read(const std::string& path, const std::string& git_dir);

  IndexEntryStream stream() const; // valid while this object lives
  size_t size() const;             // number of entries
  const CacheTreeNode* cache_tree() const { return m_has_cache_tree ? &m_root : nullptr; }

private:
  class Mapping {
  public:
    static Mapping of_file(const std::string& path); // empty when it cannot be mapped
    Mapping() = default;
    Mapping(void* addr, size_t size) : m_addr(addr), m_size(size) {}
    Mapping(Mapping&& o) noexcept : m_addr(std::exchange(o.m_addr, nullptr)), m_size(o.m_size) {}
    Mapping& operator=(Mapping&& o) noexcept {
      std::swap(m_addr, o.m_addr);
      std::swap(m_size, o.m_size);
      return *this;
    }
    ~Mapping();
    std::string_view bytes() const { return {static_cast<const char*>(m_addr), m_addr ? m_size : 0}; }

  private:
    void* m_addr = nullptr;
    size_t m_size = 0;
  };
  bool parse_bytes(std::string_view bytes, IndexSplitLink* link); // link: null unless a split index may link
  std::vector<IndexEntry> decode_all();                           // every entry; version-4 paths copied into m_v4_paths
  bool merge_split(GitIndexFile& base, const IndexSplitLink& link);
  static std::string oid_text(const git_oid& id);

  Mapping m_mapping;
  std::unique_ptr<GitIndexFile> m_base; // a split index's shared part, which entries point into
  // Version 4 paths are rebuilt from prefix-compressed ones into blocks that never move.
  class Arena {
  public:
    char* allocate(size_t n);

  private:
    std::vector<std::unique_ptr<char[]>> m_blocks;
    size_t m_used = 0, m_block_size = 0;
  };
  Arena m_v4_paths;
  std::string_view m_raw; // the entries' bytes
  uint32_t m_version = 2, m_count = 0;
  bool m_materialized = false; // a split index: the merged entries are in m_list
  std::vector<IndexEntry> m_list;
  CacheTreeNode m_root;
  bool m_has_cache_tree = false;
};

} // namespace dtscan
