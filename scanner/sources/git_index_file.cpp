// Index format: https://git-scm.com/docs/index-format. Big-endian header "DIRC", version, entry count;
// entries (62 fixed bytes, extended flags in v3+, the path: NUL-padded to 8 bytes in v2/v3, prefix-
// compressed in v4); then extensions (4-byte signature, 4-byte size); then a checksum, not verified here
// (git itself does not verify it when it reads the index).
#include "scanner/sources/git_index_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace dtscan {
namespace {

constexpr size_t hash_size = 20; // SHA-1; libgit2 1.5 opens no other kind of repository

uint32_t be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
uint16_t be16(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

class Cursor {
public:
  Cursor(const unsigned char* p, const unsigned char* end) : m_p(p), m_end(end) {}
  bool has(size_t n) const { return static_cast<size_t>(m_end - m_p) >= n; }
  const unsigned char* take(size_t n) {
    const unsigned char* at = m_p;
    m_p += n;
    return at;
  }
  const unsigned char* pos() const { return m_p; }
  const unsigned char* end() const { return m_end; }
  // git's offset varint (varint.c): 7 bits per byte, most significant first, +1 per continuation.
  std::optional<uint64_t> varint() {
    if (!has(1)) return std::nullopt;
    unsigned char c = *m_p++;
    uint64_t v = c & 127;
    while (c & 128) {
      if (!has(1) || v > (uint64_t{1} << 50)) return std::nullopt;
      c = *m_p++;
      v = ((v + 1) << 7) | (c & 127);
    }
    return v;
  }
  // A NUL-terminated string (the NUL is consumed).
  std::optional<std::string_view> cstring() {
    const void* nul = std::memchr(m_p, 0, static_cast<size_t>(m_end - m_p));
    if (nul == nullptr) return std::nullopt;
    std::string_view s(reinterpret_cast<const char*>(m_p),
                       static_cast<size_t>(static_cast<const unsigned char*>(nul) - m_p));
    m_p = static_cast<const unsigned char*>(nul) + 1;
    return s;
  }

private:
  const unsigned char* m_p;
  const unsigned char* m_end;
};

// "TREE": per node, name NUL, ASCII entry count, ' ', ASCII subtree count, '\n', then the hash if the
// entry count is not negative; children follow their parent (pre-order).
bool parse_cache_tree(Cursor& c, CacheTreeNode& node, int depth) {
  if (depth > 4096) return false;
  auto name = c.cstring();
  if (!name) return false;
  node.name = *name;
  auto number = [&](char stop) -> std::optional<int64_t> {
    bool neg = false;
    if (c.has(1) && *c.pos() == '-') {
      neg = true;
      c.take(1);
    }
    int64_t v = 0;
    bool any = false;
    while (c.has(1) && *c.pos() >= '0' && *c.pos() <= '9') {
      v = v * 10 + (*c.take(1) - '0');
      if (v > (int64_t{1} << 40)) return std::nullopt;
      any = true;
    }
    if (!any || !c.has(1) || *c.take(1) != static_cast<unsigned char>(stop)) return std::nullopt;
    return neg ? -v : v;
  };
  auto entries = number(' ');
  auto subtrees = entries ? number('\n') : std::nullopt;
  if (!subtrees || *subtrees < 0) return false;
  node.entry_count = *entries;
  if (node.entry_count >= 0) {
    if (!c.has(hash_size)) return false;
    git_oid_fromraw(&node.oid, c.take(hash_size));
  }
  node.children.resize(static_cast<size_t>(*subtrees));
  for (auto& child : node.children)
    if (!parse_cache_tree(c, child, depth + 1)) return false;
  return true;
}

} // namespace

std::optional<GitIndexFile> GitIndexFile::read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<GitIndexFile> index;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // Mapped, not read: a 10 MB index is parsed in place without zeroing and copying a buffer first.
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) {
      index = parse(std::string_view(static_cast<const char*>(map), static_cast<size_t>(st.st_size)));
      if (index)
        index->m_mapping = Mapping(map, static_cast<size_t>(st.st_size));
      else
        ::munmap(map, static_cast<size_t>(st.st_size));
    }
  }
  ::close(fd);
  return index;
}

char* GitIndexFile::Arena::allocate(size_t n) {
  if (m_blocks.empty() || m_used + n > m_block_size) {
    m_block_size = std::max(n, size_t{1} << 20);
    m_blocks.push_back(std::make_unique<char[]>(m_block_size));
    m_used = 0;
  }
  char* p = m_blocks.back().get() + m_used;
  m_used += n;
  return p;
}

GitIndexFile::Mapping::~Mapping() {
  if (m_addr) ::munmap(m_addr, m_size);
}

std::optional<GitIndexFile> GitIndexFile::parse(std::string_view bytes) {
  GitIndexFile index;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  if (size < 12 + hash_size || std::memcmp(data, "DIRC", 4) != 0) return std::nullopt;
  const uint32_t version = be32(data + 4);
  if (version < 2 || version > 4) return std::nullopt;
  const uint32_t count = be32(data + 8);
  Cursor c(data + 12, data + size - hash_size);
  if (count > size / 62) return std::nullopt;
  index.m_entries.reserve(count);

  std::string_view previous;
  for (uint32_t i = 0; i < count; ++i) {
    const unsigned char* start = c.pos();
    if (!c.has(62)) return std::nullopt;
    const unsigned char* fixed = c.take(62);
    IndexEntry e;
    e.mode = be32(fixed + 24);
    git_oid_fromraw(&e.oid, fixed + 40);
    const uint16_t flags = be16(fixed + 60);
    e.stage = (flags >> 12) & 3;
    if (flags & 0x4000) { // extended flags (v3+)
      if (version < 3 || !c.has(2)) return std::nullopt;
      const uint16_t ext = be16(c.take(2));
      e.intent_to_add = (ext & 0x2000) != 0;
    }
    if ((e.mode & 0170000) == 0040000) return std::nullopt; // a sparse-index directory entry
    if (version == 4) {
      auto strip = c.varint();
      if (!strip || *strip > previous.size()) return std::nullopt;
      auto suffix = c.cstring();
      if (!suffix) return std::nullopt;
      const size_t keep = previous.size() - static_cast<size_t>(*strip);
      char* path = index.m_v4_paths.allocate(keep + suffix->size());
      std::memcpy(path, previous.data(), keep); // `previous` is in an earlier, never moved, block
      std::memcpy(path + keep, suffix->data(), suffix->size());
      e.path = std::string_view(path, keep + suffix->size());
    } else if (const size_t len = flags & 0xFFF; len < 0xFFF) { // the length is in the flags unless long
      if (!c.has(len + 1) || c.pos()[len] != 0) return std::nullopt;
      e.path = std::string_view(reinterpret_cast<const char*>(c.take(len + 1)), len);
    } else {
      auto path = c.cstring();
      if (!path) return std::nullopt;
      e.path = *path;
    }
    if (version != 4) {
      // Entries are padded with 1 to 8 NUL bytes to a multiple of 8 (the first NUL ends the path).
      const size_t used = static_cast<size_t>(c.pos() - start);
      const size_t padded = (used + 7) & ~size_t{7};
      if (!c.has(padded - used)) return std::nullopt;
      c.take(padded - used);
    }
    if (e.path.empty()) return std::nullopt;
    previous = e.path;
    index.m_entries.push_back(e);
  }

  while (c.has(8)) {
    const unsigned char* sig = c.take(4);
    const uint32_t len = be32(c.take(4));
    if (!c.has(len)) return std::nullopt;
    const unsigned char* body = c.take(len);
    Cursor ext(body, body + len);
    if (std::memcmp(sig, "TREE", 4) == 0) {
      if (len > 0 && !parse_cache_tree(ext, index.m_root, 0)) return std::nullopt;
      index.m_has_cache_tree = len > 0;
    } else if (sig[0] >= 'A' && sig[0] <= 'Z') {
      continue; // optional extension
    } else {
      return std::nullopt; // a required one, e.g. "link" (split index) or "sdir" (sparse index)
    }
  }
  return index;
}

} // namespace dtscan
