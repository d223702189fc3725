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

// Decodes the entry at `c`. Version 4 paths are prefix-compressed against the previous entry's path:
// `v4_path` holds that on entry and this entry's path on return, and e.path views it; in versions 2 and
// 3 e.path views the file's bytes.
bool decode_entry(Cursor& c, uint32_t version, std::string& v4_path, IndexEntry& e) {
  const unsigned char* start = c.pos();
  if (!c.has(62)) return false;
  const unsigned char* fixed = c.take(62);
  e = IndexEntry{};
  e.mode = be32(fixed + 24);
  e.stat = IndexStat{be32(fixed),      be32(fixed + 4),  be32(fixed + 8),  be32(fixed + 12), be32(fixed + 16),
                     be32(fixed + 20), be32(fixed + 28), be32(fixed + 32), be32(fixed + 36)};
  git_oid_fromraw(&e.oid, fixed + 40);
  const uint16_t flags = be16(fixed + 60);
  e.stage = (flags >> 12) & 3;
  if (flags & 0x4000) { // extended flags (v3+)
    if (version < 3 || !c.has(2)) return false;
    const uint16_t ext = be16(c.take(2));
    e.intent_to_add = (ext & 0x2000) != 0;
    e.skip_worktree = (ext & 0x4000) != 0;
  }
  // A sparse-index directory entry ("dir/"): a whole directory outside the sparse checkout.
  e.sparse_dir = (e.mode & 0170000) == 0040000;
  if (version == 4) {
    auto strip = c.varint();
    if (!strip || *strip > v4_path.size()) return false;
    auto suffix = c.cstring();
    if (!suffix) return false;
    v4_path.resize(v4_path.size() - static_cast<size_t>(*strip));
    v4_path += *suffix;
    e.path = v4_path;
    return true;
  }
  if (const size_t len = flags & 0xFFF; len < 0xFFF) { // the length is in the flags unless it is long
    if (!c.has(len + 1) || c.pos()[len] != 0) return false;
    e.path = std::string_view(reinterpret_cast<const char*>(c.take(len + 1)), len);
  } else {
    auto path = c.cstring();
    if (!path) return false;
    e.path = *path;
  }
  // Entries are padded with 1 to 8 NUL bytes to a multiple of 8 (the first NUL ends the path).
  const size_t used = static_cast<size_t>(c.pos() - start);
  const size_t padded = (used + 7) & ~size_t{7};
  if (!c.has(padded - used)) return false;
  c.take(padded - used);
  return true;
}

// The size of a version 2 or 3 entry at `p` without decoding it (0: malformed): its name length is in its
// flags, or, for a name of 4095 bytes or more, found by its NUL.
size_t entry_size(const unsigned char* p, size_t avail, uint32_t version) {
  if (avail < 62) return 0;
  const uint16_t flags = be16(p + 60);
  size_t head = 62;
  if (flags & 0x4000) {
    if (version < 3) return 0;
    head = 64;
  }
  size_t len = flags & 0xFFF;
  if (len == 0xFFF) {
    const void* nul = avail > head ? std::memchr(p + head, 0, avail - head) : nullptr;
    if (nul == nullptr) return 0;
    len = static_cast<size_t>(static_cast<const unsigned char*>(nul) - (p + head));
  }
  const size_t size = (head + len + 8) & ~size_t{7};
  return size <= avail && p[head + len] == 0 ? size : 0;
}

// Only a split index's replacement entries have no name (they take the shared entry's); a sparse
// directory's name, and only it, ends in '/'.
bool name_ok(const IndexEntry& e, bool may_be_empty) {
  return e.path.empty() ? may_be_empty : e.sparse_dir == (e.path.back() == '/');
}

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
  // Each child takes at least 5 bytes ("\0" "0 0\n"): a count beyond what is left is a corrupt (or hostile)
  // index, not an allocation to attempt.
  if (static_cast<uint64_t>(*subtrees) > static_cast<uint64_t>(c.end() - c.pos()) / 5) return false;
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

// An EWAH-compressed bitmap (git's ewah/ewah_io.c): bit count, word count, 64-bit words, the position
// of the last run-length word. Collects the positions of the set bits.
bool parse_ewah(Cursor& c, std::vector<size_t>& out) {
  if (!c.has(8)) return false;
  const uint32_t bits = be32(c.take(4));
  const uint32_t words = be32(c.take(4));
  if (!c.has(size_t{words} * 8 + 4)) return false;
  const unsigned char* w = c.take(size_t{words} * 8);
  c.take(4);
  auto word = [&](size_t k) { return uint64_t{be32(w + 8 * k)} << 32 | be32(w + 8 * k + 4); };
  size_t pos = 0;
  for (size_t k = 0; k < words;) {
    const uint64_t rlw = word(k++);
    const uint64_t run = ((rlw >> 1) & 0xFFFFFFFFu) * 64;
    const uint64_t literals = rlw >> 33;
    if (pos + run > bits + 64 || k + literals > words) return false;
    if (rlw & 1)
      for (uint64_t b = 0; b < run; ++b)
        out.push_back(pos + b);
    pos += run;
    for (uint64_t l = 0; l < literals; ++l, pos += 64) {
      const uint64_t lit = word(k++);
      for (unsigned b = 0; b < 64; ++b)
        if (lit >> b & 1) out.push_back(pos + b);
    }
  }
  return std::all_of(out.begin(), out.end(), [&](size_t p) { return p < bits; });
}

// "link": the shared index's id, then the delete and replace bitmaps (absent when both are empty).
bool parse_link(Cursor& c, IndexSplitLink& link) {
  if (!c.has(hash_size)) return false;
  git_oid_fromraw(&link.shared, c.take(hash_size));
  link.present = true;
  return c.pos() == c.end() || (parse_ewah(c, link.deleted) && parse_ewah(c, link.replaced) && c.pos() == c.end());
}

} // namespace

std::string GitIndexFile::oid_text(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

GitIndexFile::Mapping GitIndexFile::Mapping::of_file(const std::string& path) {
  Mapping m;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return m;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // Mapped, not read: a 10 MB index is parsed in place without zeroing and copying a buffer first.
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) m = Mapping(map, static_cast<size_t>(st.st_size));
  }
  ::close(fd);
  return m;
}

std::optional<GitIndexFile> GitIndexFile::read(const std::string& path, const std::string& git_dir) {
  Mapping map = Mapping::of_file(path);
  if (map.bytes().empty()) return std::nullopt;
  GitIndexFile index;
  IndexSplitLink link;
  if (!index.parse_bytes(map.bytes(), &link)) return std::nullopt;
  index.m_mapping = std::move(map);
  if (!link.present) return index;

  // Split index: most entries live in $GIT_DIR/sharedindex.<id>; this file replaces, deletes and adds.
  auto base = std::make_unique<GitIndexFile>();
  base->m_mapping = Mapping::of_file(git_dir + "/sharedindex." + oid_text(link.shared));
  if (base->m_mapping.bytes().empty() || !base->parse_bytes(base->m_mapping.bytes(), nullptr)) return std::nullopt;
  if (!index.merge_split(*base, link)) return std::nullopt;
  index.m_base = std::move(base);
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

IndexEntryStream GitIndexFile::stream() const {
  IndexEntryStream st;
  if (m_materialized) {
    st.m_list = &m_list;
  } else {
    st.m_raw = m_raw;
    st.m_version = m_version;
    st.m_left = m_count;
  }
  return st;
}

size_t GitIndexFile::size() const {
  return m_materialized ? m_list.size() : m_count;
}

const IndexEntry* IndexEntryStream::peek() {
  if (m_loaded) return &m_current;
  if (m_list) {
    if (m_index >= m_list->size()) return nullptr;
    m_current = (*m_list)[m_index];
  } else {
    if (m_left == 0 || m_failed) return nullptr;
    const auto* p = reinterpret_cast<const unsigned char*>(m_raw.data());
    Cursor c(p + m_pos, p + m_raw.size());
    if (!decode_entry(c, m_version, m_v4_path, m_current) || !name_ok(m_current, false)) {
      m_failed = true; // the parse pass checked every entry: only a changed file gets here
      return nullptr;
    }
    m_next_pos = static_cast<size_t>(c.pos() - p);
  }
  m_loaded = true;
  return &m_current;
}

void IndexEntryStream::skip(uint64_t n) {
  if (n == 0 || !peek()) return;
  advance();
  --n;
  if (m_list) {
    m_index = std::min<size_t>(m_list->size(), m_index + n);
    return;
  }
  if (m_version == 4) { // each path depends on the one before: decode them all
    while (n-- > 0 && peek())
      advance();
    return;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(m_raw.data());
  for (; n > 0 && m_left > 0; --n, --m_left) {
    const size_t size = entry_size(p + m_pos, m_raw.size() - m_pos, m_version);
    if (size == 0) {
      m_failed = true;
      return;
    }
    m_pos += size;
  }
  if (n > 0) m_failed = true; // fewer entries than the caller knew of
}

void IndexEntryStream::advance() {
  if (!peek()) return;
  m_loaded = false;
  if (m_list) {
    ++m_index;
  } else {
    m_pos = m_next_pos;
    --m_left;
  }
}

GitIndexFile::Mapping::~Mapping() {
  if (m_addr) ::munmap(m_addr, m_size);
}

std::optional<GitIndexFile> GitIndexFile::parse(std::string_view bytes) {
  GitIndexFile index;
  if (!index.parse_bytes(bytes, nullptr)) return std::nullopt;
  return index;
}

bool GitIndexFile::parse_bytes(std::string_view bytes, IndexSplitLink* link) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  if (size < 12 + hash_size || std::memcmp(data, "DIRC", 4) != 0) return false;
  m_version = be32(data + 4);
  if (m_version < 2 || m_version > 4) return false;
  m_count = be32(data + 8);
  Cursor c(data + 12, data + size - hash_size);
  if (m_count > size / 62) return false;

  // One pass to find the extensions after the entries; nothing is stored, since a vector of 100,000
  // entries costs more (fresh pages) than reading them twice. Versions 2 and 3 are only measured here
  // (the stream checks each entry it decodes); version 4 must be decoded to be measured.
  std::string v4_path;
  IndexEntry e;
  bool nameless = false;
  for (uint32_t i = 0; i < m_count; ++i) {
    if (m_version == 4) {
      if (!decode_entry(c, m_version, v4_path, e) || !name_ok(e, link != nullptr)) return false;
      nameless |= e.path.empty();
    } else {
      const size_t n = entry_size(c.pos(), static_cast<size_t>(c.end() - c.pos()), m_version);
      if (n == 0) return false;
      nameless |= (be16(c.pos() + 60) & 0xFFF) == 0;
      c.take(n);
    }
  }
  m_raw = std::string_view(bytes.data() + 12, static_cast<size_t>(c.pos() - (data + 12)));

  while (c.has(8)) {
    const unsigned char* sig = c.take(4);
    const uint32_t len = be32(c.take(4));
    if (!c.has(len)) return false;
    const unsigned char* body = c.take(len);
    Cursor ext(body, body + len);
    if (std::memcmp(sig, "TREE", 4) == 0) {
      if (len > 0 && !parse_cache_tree(ext, m_root, 0)) return false;
      m_has_cache_tree = len > 0;
    } else if (std::memcmp(sig, "link", 4) == 0) {
      if (link == nullptr || !parse_link(ext, *link)) return false; // a shared index links no further
    } else if (std::memcmp(sig, "sdir", 4) == 0) {
      continue; // marks a sparse index; its directory entries are handled above
    } else if (sig[0] >= 'A' && sig[0] <= 'Z') {
      continue; // optional extension
    } else {
      return false; // another required one
    }
  }
  return !nameless || (link && link->present);
}

std::vector<IndexEntry> GitIndexFile::decode_all() {
  std::vector<IndexEntry> out;
  out.reserve(m_count);
  const auto* p = reinterpret_cast<const unsigned char*>(m_raw.data());
  Cursor c(p, p + m_raw.size());
  std::string v4_path;
  IndexEntry e;
  for (uint32_t i = 0; i < m_count && decode_entry(c, m_version, v4_path, e); ++i) {
    if (m_version == 4) { // the path views v4_path, which the next entry overwrites: keep a copy
      char* kept = m_v4_paths.allocate(e.path.size());
      std::memcpy(kept, e.path.data(), e.path.size());
      e.path = std::string_view(kept, e.path.size());
    }
    out.push_back(e);
  }
  return out;
}

bool GitIndexFile::merge_split(GitIndexFile& base, const IndexSplitLink& link) {
  std::vector<IndexEntry> merged = base.decode_all();
  const std::vector<IndexEntry> own = decode_all();
  size_t used = 0;
  for (size_t pos : link.replaced) {
    if (pos >= merged.size() || used >= own.size() || !own[used].path.empty()) return false;
    IndexEntry e = own[used++];
    e.path = merged[pos].path;
    merged[pos] = e;
  }
  std::vector<bool> gone(merged.size(), false);
  for (size_t pos : link.deleted) {
    if (pos >= merged.size()) return false;
    gone[pos] = true;
  }
  // Entries after the replacements are additions, sorted like the index: merge them in, an addition
  // taking the place of a kept entry with the same path and stage.
  std::vector<IndexEntry> out;
  out.reserve(merged.size() + own.size() - used);
  auto before = [](const IndexEntry& a, const IndexEntry& b) {
    int c = a.path.compare(b.path);
    return c != 0 ? c < 0 : a.stage < b.stage;
  };
  size_t i = 0, j = used;
  while (i < merged.size() || j < own.size()) {
    if (i < merged.size() && gone[i]) {
      ++i;
    } else if (j >= own.size() || (i < merged.size() && before(merged[i], own[j]))) {
      out.push_back(merged[i++]);
    } else {
      if (own[j].path.empty()) return false;
      if (i < merged.size() && !before(own[j], merged[i])) ++i; // same path and stage: replaced
      out.push_back(own[j++]);
    }
  }
  m_list = std::move(out);
  m_materialized = true;
  return true;
}

} // namespace dtscan
