// Fake-token templates: shapes, determinism, names, encodings and the errors on malformed templates.
#include "scanner/fake_tokens.hpp"

#include "scanner/error.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <regex>
#include <set>
#include <string>

using dtscan::expand_fake_tokens;
using dtscan::FatalError;

namespace {

bool full_match(const std::string& s, const char* re) {
  return std::regex_match(s, std::regex(re));
}

std::string decode_base64(const std::string& in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    acc = acc << 6 | uint32_t(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(acc >> bits & 0xff);
    }
  }
  return out;
}

std::string expand(const std::string& text, const std::string& seed = "s") {
  return expand_fake_tokens(text, seed);
}

} // namespace

TEST_CASE("fake tokens: text without templates is returned unchanged") {
  CHECK(expand("") == "");
  CHECK(expand("plain text @ with one at\nand more") == "plain text @ with one at\nand more");
  std::string binary("a\0b\xff@c", 6);
  CHECK(expand(binary) == binary);
}

TEST_CASE("fake tokens: token shapes") {
  CHECK(full_match(expand("@@dt0c01@@"), R"(dt0c01\.[A-Z2-7]{24}\.[A-Z2-7]{64})"));
  CHECK(full_match(expand("@@tok:dt0s02:8@@"), R"(dt0s02\.[A-Z2-7]{8}\.[A-Z2-7]{64})"));
  CHECK(full_match(expand("@@tok:dt0s01:24@@"), R"(dt0s01\.[A-Z2-7]{24}\.[A-Z2-7]{64})"));
  CHECK(full_match(expand("@@tok:dt0a01:abc12345@@"), R"(dt0a01\.abc12345\.[0-9a-f]{64})"));
  CHECK(full_match(expand("@@tenant:dt0a02@@"), R"(dt0a02\.[A-Za-z0-9]{24})"));
  CHECK(full_match(expand("@@b32:10@@"), R"([A-Z2-7]{10})"));
  CHECK(full_match(expand("@@hex:40@@"), R"([0-9a-f]{40})"));
  CHECK(full_match(expand("@@alnum:16@@"), R"([A-Za-z0-9]{16})"));
  CHECK(full_match(expand("x=@@dt0c01@@;"), R"(x=dt0c01\.[A-Z2-7]{24}\.[A-Z2-7]{64};)"));
}

TEST_CASE("fake tokens: legacy values look random, never like words or identifiers") {
  for (int i = 0; i < 300; ++i) {
    std::string v = expand("@@legacy:21@@", "legacy" + std::to_string(i));
    REQUIRE(full_match(v, R"([A-Za-z0-9_-]{21})"));
    CHECK(std::regex_search(v, std::regex("[0-9].*[0-9]")));
    CHECK(std::regex_search(v, std::regex("[A-Z]")));
    CHECK(std::regex_search(v, std::regex("[a-z]")));
    CHECK_FALSE(std::regex_search(v, std::regex("token|api|key|test", std::regex::icase)));
  }
  CHECK(full_match(expand("@@legacy:4@@"), R"([A-Za-z0-9_-]{4})"));
}

TEST_CASE("fake tokens: deterministic per seed, fresh per call") {
  std::string text = "a @@dt0c01@@ b @@legacy:21@@ c @@tenant:dt0a02@@";
  CHECK(expand(text, "seed1") == expand(text, "seed1"));
  CHECK(expand(text, "seed1") != expand(text, "seed2"));
  CHECK(expand("@@dt0c01@@", "") != expand("@@dt0c01@@", "x"));

  std::string two = expand("@@dt0c01@@ @@dt0c01@@");
  REQUIRE(two.size() == 96 * 2 + 1);
  CHECK(two.substr(0, 96) != two.substr(97));
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i)
    seen.insert(expand("@@b32:24@@", std::to_string(i)));
  CHECK(seen.size() == 100);
}

TEST_CASE("fake tokens: names remember a value") {
  std::string out = expand("first @@t1=dt0c01@@ again @@t1@@");
  std::smatch m;
  REQUIRE(std::regex_match(out, m, std::regex(R"(first (dt0c01\.\S+) again (\S+))")));
  CHECK(m[1] == m[2]);

  std::string lines = expand("A=@@Env_2=tok:dt0a01:abc12345@@\nB=@@Env_2@@\n");
  CHECK(lines.substr(2, 80) == lines.substr(85, 80));
  CHECK(expand("@@a=b=hex:8@@ @@a@@ @@b@@").size() == 26);
}

TEST_CASE("fake tokens: encodings") {
  std::string out = expand("@@t=dt0c01@@ @@b64:t@@");
  std::string token = out.substr(0, out.find(' '));
  std::string encoded = out.substr(out.find(' ') + 1);
  CHECK(encoded.rfind("ZHQwYzAx", 0) == 0); // "dt0c01" in base64, as the reference says
  CHECK(decode_base64(encoded) == token);
  CHECK(full_match(encoded, R"([A-Za-z0-9+/]+={0,2})"));
  CHECK(encoded.size() % 4 == 0);

  CHECK(full_match(decode_base64(expand("@@b64:dt0c01@@")), R"(dt0c01\.[A-Z2-7]{24}\.[A-Z2-7]{64})"));
  CHECK(full_match(decode_base64(expand("@@b64:hex:4@@")), R"([0-9a-f]{4})")); // 4 bytes: "==" padding
  CHECK(full_match(expand("@@b64:hex:4@@"), R"([A-Za-z0-9+/]{6}==)"));
  CHECK(full_match(expand("@@b64:hex:5@@"), R"([A-Za-z0-9+/]{7}=)"));

  std::string pct = expand("@@t=dt0c01@@|@@pct:t@@|@@pctall:t@@|@@upper:t@@|@@lower:t@@");
  std::smatch m;
  REQUIRE(std::regex_match(pct, m, std::regex(R"(([^|]+)\|([^|]+)\|([^|]+)\|([^|]+)\|([^|]+))")));
  CHECK(m[2] == m[1]); // a token is all unreserved characters
  CHECK(full_match(m[3], "(%[0-9A-F]{2}){96}"));
  CHECK(m[3].str().substr(0, 9) == "%64%74%30");
  CHECK(m[4] == "DT0C01" + m[1].str().substr(6));
  std::string lower = m[1];
  for (char& c : lower)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  CHECK(m[5] == lower);
  CHECK(expand("@@pct:b64:hex:4@@").find("%3D%3D") != std::string::npos);
}

TEST_CASE("fake tokens: literal @@") {
  CHECK(expand("@@@@ -1,3 +1,4 @@@@") == "@@ -1,3 +1,4 @@");
}

TEST_CASE("fake tokens: malformed templates throw one-line errors") {
  for (const char* bad : {"@@unknown@@",      "@@b32:x@@",       "@@b32:@@",           "@@b32:0@@",
                          "@@b32:99999999@@", "x @@dt0c01",      "@@dt0c01\n@@",       "@@dt0c01:3@@",
                          "@@tok:dt0s02@@",   "@@tok::8@@",      "@@tok:dt0a01:a.b@@", "@@b64:@@",
                          "@@legacy:3@@",     "@@1x=dt0c01@@",   "@@tok=dt0c01@@",     "@@a=dt0c01@@ @@a=dt0c01@@",
                          "@@upper:nope@@",   "@@ -1,3 +1,4 @@", "@@tenant:@@",        "@@b64:hex:4 @@"}) {
    CAPTURE(bad);
    try {
      expand(bad);
      FAIL("no error");
    } catch (const FatalError& e) {
      std::string what = e.what();
      CHECK(what.find('\n') == std::string::npos);
      CHECK(what.find("fake-token template") == 0);
    }
  }
  CHECK_THROWS_WITH_AS(expand("ok\n@@unknown@@"), doctest::Contains("line 2"), FatalError);
  CHECK_THROWS_WITH_AS(expand("@@b32:x@@"), doctest::Contains("\"x\" is not a length"), FatalError);
  CHECK_THROWS_WITH_AS(expand("a\nb @@dt0c01"), doctest::Contains("unterminated"), FatalError);
}
