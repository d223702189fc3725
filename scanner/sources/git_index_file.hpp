// A read-only parser of git's index file (versions 2 to 4) and its cache-tree extension. libgit2 reads an
// index of 100,000 entries in hundreds of milliseconds (it hashes the whole file and allocates per entry);
// a pre-commit hook cannot afford that. This parser maps the file and keeps one small record per entry
// that points into it. Anything it does not understand (split index, sparse directory entries, another
// required extension) makes it decline, and the caller falls back to libgit2.
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

struct IndexEntry {
  std::string_view path; // into GitIndexFile::m_paths or the file bytes
  uint32_t mode = 0;
  git_oid oid{};
  unsigned stage = 0;         // 0 normal; 1..3 an unresolved conflict
  bool intent_to_add = false; // `git add -N`: nothing staged yet
};

// One directory of the cache-tree: the tree object the index would write for it, when still valid.
struct CacheTreeNode {
  std::string_view name;    // one path component; "" for the root
  int64_t entry_count = -1; // index entries below it; -1: invalidated since the last write
  git_oid oid{};            // meaningful only when entry_count >= 0
  std::vector<CacheTreeNode> children;
};

class GitIndexFile {
public:
  // nullopt when the file cannot be read or uses a feature this parser does not handle. parse() borrows
  // `bytes` (they must outlive the result); read() maps the file and owns the mapping.
  static std::optional<GitIndexFile> parse(std::string_view bytes);
  static std::optional<GitIndexFile> read(const std::string& path);

  const std::vector<IndexEntry>& entries() const { return m_entries; }
  const CacheTreeNode* cache_tree() const { return m_has_cache_tree ? &m_root : nullptr; }

private:
  class Mapping {
  public:
    Mapping() = default;
    Mapping(void* addr, size_t size) : m_addr(addr), m_size(size) {}
    Mapping(Mapping&& o) noexcept : m_addr(std::exchange(o.m_addr, nullptr)), m_size(o.m_size) {}
    Mapping& operator=(Mapping&& o) noexcept {
      std::swap(m_addr, o.m_addr);
      std::swap(m_size, o.m_size);
      return *this;
    }
    ~Mapping();

  private:
    void* m_addr = nullptr;
    size_t m_size = 0;
  };
  Mapping m_mapping;
  // Version 4 paths are rebuilt from prefix-compressed ones into blocks that never move.
  class Arena {
  public:
    char* allocate(size_t n);

  private:
    std::vector<std::unique_ptr<char[]>> m_blocks;
    size_t m_used = 0, m_block_size = 0;
  };
  Arena m_v4_paths;
  std::vector<IndexEntry> m_entries;
  CacheTreeNode m_root;
  bool m_has_cache_tree = false;
};

} // namespace dtscan
