// Prefilter: every keyword occurrence is found (case rules respected) at any position, including the
// vector loop's block edges and the scalar tail, and nothing else is reported.
#include "scanner/prefilter.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace dtscan;

namespace {
std::vector<std::pair<uint32_t, uint64_t>> hits(const Prefilter& p, std::string_view buf) {
  std::vector<PrefilterHit> out;
  p.find(buf, out);
  std::vector<std::pair<uint32_t, uint64_t>> v;
  for (auto& h : out)
    v.emplace_back(h.keyword, h.pos);
  std::sort(v.begin(), v.end());
  return v;
}

// Reference: naive search.
std::vector<std::pair<uint32_t, uint64_t>> naive(const std::vector<PrefilterKeyword>& kws, std::string_view buf) {
  std::vector<std::pair<uint32_t, uint64_t>> v;
  for (uint32_t k = 0; k < kws.size(); ++k)
    for (size_t i = 0; i + kws[k].text.size() <= buf.size(); ++i) {
      bool ok = true;
      for (size_t j = 0; j < kws[k].text.size() && ok; ++j) {
        char a = buf[i + j], b = kws[k].text[j];
        ok = kws[k].case_insensitive ? std::tolower(a) == std::tolower(b) : a == b;
      }
      if (ok) v.emplace_back(k, i);
    }
  std::sort(v.begin(), v.end());
  return v;
}
} // namespace

TEST_CASE("prefilter finds case-sensitive and case-insensitive keywords") {
  std::vector<PrefilterKeyword> kws{{"dt0", false}, {"api-token", true}, {"apitoken", true}, {"tenant_token", true}};
  Prefilter p(kws);
  CHECK(p.anchor_count() <= kws.size());
  std::string buf = "x dt0c01 DT0 Api-Token APITOKEN tenant_TOKEN api_token";
  auto v = hits(p, buf);
  REQUIRE(v.size() == 4);
  CHECK(v == naive(kws, buf));
}

TEST_CASE("prefilter agrees with a naive search at every offset, across vector block edges") {
  std::vector<PrefilterKeyword> kws{{"dt0", false}, {"api-token", true}, {"ZHQw", false}, {"/installer/", false}};
  Prefilter p(kws);
  std::mt19937 rng(7);
  const std::string alphabet = "abcdt0ZHQwAPI-TOKEN/installer ";
  for (int round = 0; round < 200; ++round) {
    std::string buf(static_cast<size_t>(rng() % 200), ' ');
    for (auto& c : buf)
      c = alphabet[rng() % alphabet.size()];
    // Plant keywords at positions around 32-byte boundaries and the buffer end.
    for (size_t pos : {size_t{30}, size_t{31}, size_t{32}, size_t{63}, buf.size() > 3 ? buf.size() - 3 : 0})
      if (pos + 3 <= buf.size()) buf.replace(pos, 3, "dt0");
    CHECK(hits(p, buf) == naive(kws, buf));
  }
}

TEST_CASE("prefilter reports nothing on text without keywords") {
  Prefilter p({{"dt0", false}, {"api-token", true}});
  std::string buf(100000, 'a');
  CHECK(hits(p, buf).empty());
  CHECK(hits(p, "").empty());
  CHECK(hits(p, "dt").empty());
}
