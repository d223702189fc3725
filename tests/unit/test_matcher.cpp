// Matcher and collapse: every token type of SPEC §1 is found with exact boundaries and spans, decoded
// spans point at the encoded bytes, and overlapping rules collapse to the most specific one.
#include "scan_helpers.hpp"

#include <doctest/doctest.h>

using namespace dtscan;
using namespace dtscan::test;

namespace {
std::vector<std::string> rule_ids(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs)
    out.push_back(f.rule_id);
  return out;
}
} // namespace

TEST_CASE("every token shape is found as a dynatrace-token with its type") {
  struct Case {
    const char* tmpl;
    const char* type;
  };
  for (Case c :
       {Case{"@@dt0c01@@", "dt0c01"}, Case{"@@tok:dt0s01:24@@", "dt0s01"}, Case{"@@tok:dt0s02:8@@", "dt0s02"},
        Case{"@@tok:dt0s16:8@@", "dt0s16"}, Case{"@@tok:dt0g02:8@@", "dt0g02"}, Case{"@@tok:dt0e01:24@@", "dt0e01"},
        Case{"@@tok:dt0a01:abc12345@@", "dt0a01"}, Case{"@@tenant:dt0a02@@", "dt0a02"}}) {
    CAPTURE(c.tmpl);
    std::string token = fake(c.tmpl);
    auto fs = scan("value: " + token + "\n");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].rule_id == "dynatrace-token");
    CHECK(fs[0].token_type == c.type);
    CHECK(fs[0].column == 8);
    CHECK(fs[0].end_column == 8 + token.size());
    CHECK(fs[0].secret == token);
  }
}

TEST_CASE("token boundaries are exact") {
  std::string pub = fake("@@b32:24@@", "p"), sec = fake("@@b32:64@@", "s");
  std::string token = "dt0c01." + pub + "." + sec;
  CHECK(scan(token).size() == 1);
  CHECK(scan("\"" + token + "\"").size() == 1);
  CHECK(scan("A" + token).empty()); // glued on the left
  CHECK(scan("_" + token).empty());
  CHECK(scan(token + "_x").empty());                    // glued on the right
  CHECK(scan(token + "Q").empty());                     // a 65-character secret part
  CHECK(scan("dt0c01." + pub + "Q." + sec).empty());    // a 25-character public part
  CHECK(scan(token + "." + fake("@@b32:8@@")).empty()); // a fourth part
}

TEST_CASE("identifiers alone are dynatrace-token-id, not when a secret follows") {
  std::string id = "dt0c01." + fake("@@b32:24@@");
  auto fs = scan("id=" + id + " ");
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].rule_id == "dynatrace-token-id");
  CHECK(fs[0].severity == Severity::info);
  CHECK(fs[0].token_id == id);
  auto client = scan("DT_CLIENT_ID=dt0s02." + fake("@@b32:8@@"));
  REQUIRE(client.size() == 1);
  CHECK(client[0].rule_id == "dynatrace-token-id");
  CHECK(rule_ids(scan(id + "." + fake("@@b32:64@@"))) == std::vector<std::string>{"dynatrace-token"});
}

TEST_CASE("a token inside an api-token URL is one dynatrace-token-in-url finding") {
  std::string token = fake("@@dt0c01@@");
  auto fs = scan("curl 'https://h.example/api/v1/x?arch=x86&Api-Token=" + token + "&flavor=default'");
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].rule_id == "dynatrace-token-in-url");
  CHECK(fs[0].token_type == "dt0c01");
  CHECK(fs[0].secret == token);
  // after '?', lower case, and apitoken=
  CHECK(rule_ids(scan("GET /api?apitoken=" + token)) == std::vector<std::string>{"dynatrace-token-in-url"});
  CHECK(rule_ids(scan("GET /api?API-TOKEN=" + token)) == std::vector<std::string>{"dynatrace-token-in-url"});
}

TEST_CASE("command-line flags and property keys are not URLs") {
  std::string token = fake("@@dt0c01@@");
  CHECK(rule_ids(scan("dtctl --api-token=" + token)) == std::vector<std::string>{"dynatrace-token"});
  CHECK(rule_ids(scan("dynatrace.api-token=" + token)) == std::vector<std::string>{"dynatrace-token"});
}

TEST_CASE("legacy tokens only in their contexts") {
  std::string legacy = fake("@@legacy:21@@");
  CHECK(rule_ids(scan("Authorization: Api-Token " + legacy)) == std::vector<std::string>{"dynatrace-legacy-token"});
  CHECK(rule_ids(scan("export DT_API_TOKEN=" + legacy)) == std::vector<std::string>{"dynatrace-legacy-token"});
  CHECK(rule_ids(scan("paasToken: \"" + legacy + "\"")) == std::vector<std::string>{"dynatrace-legacy-token"});
  CHECK(scan("random: " + legacy).empty());                    // no context
  CHECK(scan("export DT_API_TOKEN=" + legacy + "-x").empty()); // 23 characters, not 21
  std::string tenant = fake("@@alnum:16@@");
  CHECK(rule_ids(scan("TENANT_TOKEN=" + tenant)) == std::vector<std::string>{"dynatrace-legacy-token"});
  CHECK(rule_ids(scan("oneagent.sh --set-tenant-token=" + tenant)) ==
        std::vector<std::string>{"dynatrace-legacy-token"});
  CHECK(rule_ids(scan("https://h.example/installer/oneagent/unix/latest/" + tenant)) ==
        std::vector<std::string>{"dynatrace-legacy-token"});
}

TEST_CASE("base64 and percent-encoded secrets are found and point at the encoded span") {
  std::string token = fake("@@dt0c01@@", "b");
  std::string encoded = fake("@@b64:t=dt0c01@@", "b");
  std::string text = "data:\n  apiToken: " + encoded + "\n";
  auto fs = scan(text);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].rule_id == "dynatrace-token");
  CHECK(fs[0].decoded == Decoding::base64);
  CHECK(fs[0].secret == token);
  CHECK(fs[0].line == 2);
  CHECK(fs[0].column == 13);
  CHECK(fs[0].end_column >= 13 + (token.size() * 4) / 3);
  CHECK(scan(text, "a.txt", DecodeMode::off).empty());

  std::string legacy = fake("@@legacy:21@@");
  auto pct = scan("OTEL_EXPORTER_OTLP_HEADERS=Authorization=Api-Token%20" + legacy + "\n");
  REQUIRE(pct.size() == 1);
  CHECK(pct[0].rule_id == "dynatrace-legacy-token");
  CHECK(pct[0].decoded == Decoding::percent);
  CHECK(pct[0].column == 54);

  auto url = scan("redirect=https%3A%2F%2Fh.example%2Fapi%3Fapi-token%3D" + token + "%26x%3D1");
  REQUIRE(url.size() == 1);
  CHECK(url[0].rule_id == "dynatrace-token-in-url");
  CHECK(url[0].decoded == Decoding::percent);
}

TEST_CASE("a token glued to a percent escape is found through decoding, as SPEC §1 says") {
  // In "Api-Token%20dt0c01..." the token touches the "0" of "%20": only the decoded text has a boundary.
  std::string token = fake("@@dt0c01@@");
  auto fs = scan("OTEL_EXPORTER_OTLP_HEADERS=Authorization=Api-Token%20" + token);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].rule_id == "dynatrace-token");
  CHECK(fs[0].decoded == Decoding::percent);
  CHECK(fs[0].column == 54);
  // Written with a plain space, the same token is found as written.
  auto plain = scan("Authorization: Api-Token " + token + " %41");
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].decoded == Decoding::none);
}

TEST_CASE("several findings on several lines come out in order with line numbers") {
  std::string text = fake("a\n@@dt0c01@@\n\nx @@tok:dt0s16:8@@ y\n");
  auto fs = scan(text);
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].line == 2);
  CHECK(fs[0].column == 1);
  CHECK(fs[1].line == 4);
  CHECK(fs[1].column == 3);
}
