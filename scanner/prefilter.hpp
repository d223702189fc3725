// Literal prefilter: finds every occurrence of a small set of keywords (case-sensitive or ASCII
// case-insensitive) with one vectorised pass over the bytes. Nearly all input has no keyword, so this
// pass is the scanner's hot loop; RE2 only ever runs on windows around the hits it returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

struct PrefilterKeyword {
  std::string text; // at least 3 bytes
  bool case_insensitive = false;
};

struct PrefilterHit {
  uint32_t keyword; // index into the keywords given to the constructor
  uint64_t pos;     // where the keyword starts in the buffer
};

class Prefilter {
public:
  explicit Prefilter(std::vector<PrefilterKeyword> keywords);

  // Appends every occurrence of every keyword to `out`, ordered by position of the 3-byte anchor found.
  void find(std::string_view buf, std::vector<PrefilterHit>& out) const;

  size_t anchor_count() const { return m_anchors.size(); }
  const std::vector<PrefilterKeyword>& keywords() const { return m_keywords; }

  // One 3-byte pattern tested by the vector loop; `fold` has 0x20 where a byte is a letter compared
  // case-insensitively (OR-ing 0x20 lower-cases an ASCII letter).
  struct Anchor {
    uint8_t bytes[3];
    uint8_t fold[3];
    std::vector<std::pair<uint32_t, uint32_t>> keywords; // (keyword index, offset of the anchor in it)
  };

private:
  void verify(std::string_view buf, size_t anchor_pos, const Anchor& a, std::vector<PrefilterHit>& out) const;
  void scan_scalar(std::string_view buf, size_t from, std::vector<PrefilterHit>& out) const;
  size_t scan_avx2(std::string_view buf, std::vector<PrefilterHit>& out) const;

  std::vector<PrefilterKeyword> m_keywords;
  std::vector<Anchor> m_anchors;
  bool m_has_avx2 = false;
};

} // namespace dtscan
