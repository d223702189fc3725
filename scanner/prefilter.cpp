// The keyword prefilter: picks a few 3-byte anchors that cover every keyword (greedy set cover, rare
// bytes preferred), tests all anchors 32 bytes at a time with AVX2 (scalar fallback), and verifies the
// whole keyword around each anchor hit.
#include "scanner/prefilter.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <tuple>

namespace dtscan {
namespace {

bool is_letter(uint8_t c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

// Rough frequency of a byte in source code and text (per mille); lower is a better anchor.
double frequency(uint8_t c, bool folded) {
  static const double letters[26] = {80, 15, 28, 42, 120, 22, 20, 60, 70, 2,  8, 40, 24,
                                     67, 75, 19, 1,  60,  63, 90, 28, 10, 24, 2, 20, 1};
  if (is_letter(c)) {
    double lower = letters[(c | 0x20) - 'a'];
    if (folded) return lower * 1.3;
    return (c >= 'a') ? lower : lower * 0.3;
  }
  if (c >= '0' && c <= '9') return c == '0' || c == '1' ? 12 : 6;
  if (c == ' ') return 150;
  if (c == '\n' || c == '.' || c == ',' || c == '(' || c == ')' || c == ';') return 25;
  return 5;
}

using AnchorKey = std::tuple<uint8_t, uint8_t, uint8_t, uint8_t, uint8_t, uint8_t>;

AnchorKey anchor_key(const PrefilterKeyword& k, size_t off) {
  uint8_t b[3], f[3];
  for (int i = 0; i < 3; ++i) {
    uint8_t c = static_cast<uint8_t>(k.text[off + i]);
    bool fold = k.case_insensitive && is_letter(c);
    f[i] = fold ? 0x20 : 0;
    b[i] = fold ? (c | 0x20) : c;
  }
  return {b[0], b[1], b[2], f[0], f[1], f[2]};
}

bool keyword_at(std::string_view buf, size_t pos, const PrefilterKeyword& k) {
  if (pos + k.text.size() > buf.size()) return false;
  for (size_t i = 0; i < k.text.size(); ++i) {
    uint8_t c = static_cast<uint8_t>(buf[pos + i]);
    uint8_t want = static_cast<uint8_t>(k.text[i]);
    if (k.case_insensitive && is_letter(want)) {
      if ((c | 0x20) != (want | 0x20)) return false;
    } else if (c != want) {
      return false;
    }
  }
  return true;
}

} // namespace

Prefilter::Prefilter(std::vector<PrefilterKeyword> keywords) : m_keywords(std::move(keywords)) {
  // Greedy set cover: repeatedly take the anchor shared by the most uncovered keywords, rarest first.
  std::vector<bool> covered(m_keywords.size(), false);
  size_t left = m_keywords.size();
  while (left > 0) {
    std::map<AnchorKey, std::pair<size_t, double>> score; // key -> (keywords covered, rarity cost)
    for (size_t k = 0; k < m_keywords.size(); ++k) {
      if (covered[k]) continue;
      const auto& kw = m_keywords[k];
      assert(kw.text.size() >= 3);
      std::map<AnchorKey, bool> seen;
      for (size_t off = 0; off + 3 <= kw.text.size(); ++off) {
        AnchorKey key = anchor_key(kw, off);
        if (seen[key]) continue;
        seen[key] = true;
        double cost = 0;
        for (int i = 0; i < 3; ++i)
          cost += frequency(static_cast<uint8_t>(kw.text[off + i]), kw.case_insensitive);
        auto& s = score[key];
        s.first += 1;
        s.second = cost;
      }
    }
    auto best = std::max_element(score.begin(), score.end(), [](const auto& a, const auto& b) {
      if (a.second.first != b.second.first) return a.second.first < b.second.first;
      return a.second.second > b.second.second;
    });
    Anchor anchor{};
    std::tie(anchor.bytes[0], anchor.bytes[1], anchor.bytes[2], anchor.fold[0], anchor.fold[1], anchor.fold[2]) =
        best->first;
    for (size_t k = 0; k < m_keywords.size(); ++k) {
      if (covered[k]) continue;
      for (size_t off = 0; off + 3 <= m_keywords[k].text.size(); ++off) {
        if (anchor_key(m_keywords[k], off) == best->first) {
          anchor.keywords.emplace_back(static_cast<uint32_t>(k), static_cast<uint32_t>(off));
          covered[k] = true;
          --left;
          break;
        }
      }
    }
    m_anchors.push_back(std::move(anchor));
  }
  __builtin_cpu_init();
  m_has_avx2 = __builtin_cpu_supports("avx2");
}

void Prefilter::verify(std::string_view buf, size_t anchor_pos, const Anchor& a, std::vector<PrefilterHit>& out) const {
  for (auto [k, off] : a.keywords) {
    if (anchor_pos < off) continue;
    size_t start = anchor_pos - off;
    if (keyword_at(buf, start, m_keywords[k])) out.push_back({k, start});
  }
}

void Prefilter::scan_scalar(std::string_view buf, size_t from, std::vector<PrefilterHit>& out) const {
  const auto* p = reinterpret_cast<const uint8_t*>(buf.data());
  for (size_t i = from; i + 3 <= buf.size(); ++i) {
    for (const auto& a : m_anchors) {
      if ((p[i] | a.fold[0]) == a.bytes[0] && (p[i + 1] | a.fold[1]) == a.bytes[1] &&
          (p[i + 2] | a.fold[2]) == a.bytes[2])
        verify(buf, i, a, out);
    }
  }
}

__attribute__((target("avx2"))) size_t Prefilter::scan_avx2(std::string_view buf,
                                                            std::vector<PrefilterHit>& out) const {
  constexpr size_t max_anchors = 16;
  const size_t n_anchors = std::min(m_anchors.size(), max_anchors);
  __m256i want[max_anchors][3], fold[max_anchors][3];
  for (size_t a = 0; a < n_anchors; ++a)
    for (int j = 0; j < 3; ++j) {
      want[a][j] = _mm256_set1_epi8(static_cast<char>(m_anchors[a].bytes[j]));
      fold[a][j] = _mm256_set1_epi8(static_cast<char>(m_anchors[a].fold[j]));
    }
  const char* p = buf.data();
  size_t i = 0;
  // Each step looks at anchors starting at i..i+31, which reads bytes up to i+33.
  for (; i + 34 <= buf.size(); i += 32) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 2));
    __m256i any = _mm256_setzero_si256();
    for (size_t a = 0; a < n_anchors; ++a) {
      __m256i m = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v0, fold[a][0]), want[a][0]),
                                   _mm256_cmpeq_epi8(_mm256_or_si256(v1, fold[a][1]), want[a][1]));
      m = _mm256_and_si256(m, _mm256_cmpeq_epi8(_mm256_or_si256(v2, fold[a][2]), want[a][2]));
      any = _mm256_or_si256(any, m);
    }
    auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(any));
    while (mask) {
      size_t pos = i + static_cast<size_t>(__builtin_ctz(mask));
      mask &= mask - 1;
      for (size_t a = 0; a < n_anchors; ++a) {
        const auto& an = m_anchors[a];
        auto u = reinterpret_cast<const uint8_t*>(p);
        if ((u[pos] | an.fold[0]) == an.bytes[0] && (u[pos + 1] | an.fold[1]) == an.bytes[1] &&
            (u[pos + 2] | an.fold[2]) == an.bytes[2])
          verify(buf, pos, an, out);
      }
    }
  }
  return i;
}

void Prefilter::find(std::string_view buf, std::vector<PrefilterHit>& out) const {
  size_t from = 0;
  if (m_has_avx2 && m_anchors.size() <= 16) from = scan_avx2(buf, out);
  scan_scalar(buf, from, out);
}

} // namespace dtscan
