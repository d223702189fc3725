// Decoder: base64 and percent decoding, the maps back to encoded offsets, and base64 trigger literals.
#include "scanner/decode.hpp"

#include <doctest/doctest.h>

using namespace dtscan;

TEST_CASE("base64 decoding maps decoded bytes back to encoded characters") {
  std::string src = "key: ZHQwYzAxLmFiYw== rest"; // "dt0c01.abc"
  auto d = decode_base64(src, 5, 1000);
  REQUIRE(d);
  CHECK(d->bytes == "dt0c01.abc");
  CHECK(d->source_start[0] == 5);
  CHECK(d->source_end[d->bytes.size()] <= 5 + 16);
  // Bytes 3..6 ("c01.") start in the second quad.
  CHECK(d->source_start[3] == 9);
}

TEST_CASE("base64 decoding accepts the URL-safe alphabet and stops at the bound") {
  auto d = decode_base64("-_-_", 0, 1000);
  REQUIRE(d);
  CHECK(d->bytes.size() == 3);
  auto limited = decode_base64("QUFBQUFBQUFB", 0, 4);
  REQUIRE(limited);
  CHECK(limited->bytes == "AAAA");
  CHECK_FALSE(decode_base64("!!!!", 0, 10));
}

TEST_CASE("percent decoding") {
  std::string src = "Authorization=Api-Token%20abc%3Dx";
  auto d = decode_percent(src, 0, src.size());
  REQUIRE(d);
  CHECK(d->bytes == "Authorization=Api-Token abc=x");
  size_t space = d->bytes.find(' ');
  CHECK(d->source_start[space] == src.find('%'));
  CHECK(d->source_end[space + 1] == src.find('%') + 3);
  CHECK_FALSE(decode_percent("no escapes here", 0, 15));
  CHECK_FALSE(decode_percent("bad %zz escape", 0, 14));
  auto trailing = decode_percent("abc%2", 0, 5);
  CHECK_FALSE(trailing); // an incomplete escape is not an escape
}

TEST_CASE("base64 triggers cover all three alignments of a literal") {
  auto triggers = base64_triggers("dt0");
  REQUIRE(triggers.size() == 3);
  CHECK(triggers[0].text == "ZHQw");
  CHECK(triggers[0].quad_offset == 0);
  // Every alignment of "dt0" inside an encoded string contains its trigger.
  const char* encoded[] = {"ZHQwYzAx", "eGR0MGMwMQ==", "eHlkdDBjMDE="}; // "dt0c01", "xdt0c01", "xydt0c01"
  for (int a = 0; a < 3; ++a)
    CHECK(std::string(encoded[a]).find(triggers[static_cast<size_t>(a)].text) != std::string::npos);
}

TEST_CASE("runs") {
  std::string s = "a: \"ZHQw+/==\" b";
  auto [lo, hi] = base64_run(s, 6, 100);
  CHECK(s.substr(lo, hi - lo) == "ZHQw+/");
  std::string u = "see <https://x/?a=%41&b> now";
  auto [ulo, uhi] = url_run(u, 10, 100);
  CHECK(u.substr(ulo, uhi - ulo) == "https://x/?a=%41&b");
}
