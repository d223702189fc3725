// The severity model of SPEC §2, row by row, through the real matcher and classifier.
#include "scan_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace dtscan;
using namespace dtscan::test;

namespace {
Finding only(const std::string& text, const std::string& path = "src/app.txt") {
  auto fs = scan(text, path);
  REQUIRE(fs.size() == 1);
  return fs[0];
}
bool has_reason(const Finding& f, const std::string& r) {
  return std::find(f.reasons.begin(), f.reasons.end(), r) != f.reasons.end();
}
const std::string env = "url: https://abc12345.live.dynatrace.com/api/v2\n";
} // namespace

TEST_CASE("critical: a well-formed secret in an api-token URL") {
  auto f = only(fake("https://h.example/x?api-token=@@dt0c01@@"));
  CHECK(f.severity == Severity::critical);
  CHECK(has_reason(f, "token-in-url"));
  CHECK(has_reason(f, "well-formed"));
  CHECK(only(fake("https://h.example/x?Api-Token=@@legacy:21@@")).severity == Severity::critical);
}

TEST_CASE("critical: a well-formed secret and an environment URL in the same file") {
  for (const char* e : {"https://abc12345.live.dynatrace.com", "https://xyz98765.apps.dynatrace.com/ui",
                        "https://abc12345.sprint.dynatracelabs.com",
                        "https://managed.example.com/e/0f0e0d0c-1234-5678-9abc-def012345678/api",
                        "https://ag.example.com:9999/e/abc12345/api"}) {
    CAPTURE(e);
    auto f = only(fake(std::string("endpoint: ") + e + "\ntoken: @@dt0c01@@\n"));
    CHECK(f.severity == Severity::critical);
    CHECK(has_reason(f, "environment-url-in-file"));
  }
  // The environment may come after the token, and legacy tokens count too.
  CHECK(only(fake("DT_API_TOKEN=@@legacy:21@@\n" + env)).severity == Severity::critical);
}

TEST_CASE("documentation and SSO hosts are not environments") {
  for (const char* host : {"https://docs.dynatrace.com/docs", "https://community.dynatrace.com/t/1",
                           "https://sso.dynatrace.com/sso/oauth2/token", "https://www.dynatrace.com/",
                           "https://api.dynatrace.com/iam", "https://myaccount.dynatrace.com/"}) {
    CAPTURE(host);
    CHECK(only(fake(std::string("see ") + host + "\ntoken: @@dt0c01@@\n")).severity == Severity::high);
  }
}

TEST_CASE("high: a usable secret without an environment") {
  for (const char* t : {"@@dt0c01@@", "@@tok:dt0s02:8@@", "@@tok:dt0s16:8@@", "@@tok:dt0s01:24@@"}) {
    CAPTURE(t);
    auto f = only(fake(std::string("token: ") + t));
    CHECK(f.severity == Severity::high);
    CHECK(f.reasons == std::vector<std::string>{"well-formed"});
  }
  CHECK(only(fake("Authorization: Api-Token @@legacy:21@@")).severity == Severity::high);
}

TEST_CASE("medium: right shape with characters outside base32") {
  auto f = only(fake("token: dt0c01.@@b32:22@@01.@@b32:62@@8a"));
  CHECK(f.severity == Severity::medium);
  CHECK(has_reason(f, "non-base32-characters"));
  // A made-up value (runs and repeats) is filler, however many characters are foreign.
  auto made_up =
      only("token: dt0c01.0123456789abcdef01234567.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  CHECK(made_up.severity == Severity::info);
  CHECK(has_reason(made_up, "placeholder"));
}

TEST_CASE("medium: random values outside base32, however many characters are off") {
  // Peers' generators draw from [A-Z0-9] or lowercase: far more than 8 characters are not base32, but the
  // value is random, not filler.
  for (const char* t : {"dt0c01.@@upper:alnum:24@@.@@upper:alnum:64@@", "dt0c01.@@lower:alnum:24@@.@@lower:alnum:64@@",
                        "dt0c01.@@alnum:24@@.@@alnum:64@@", "dt0s02.@@upper:alnum:8@@.@@upper:alnum:64@@"}) {
    for (const char* seed : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
      CAPTURE(t);
      CAPTURE(seed);
      auto f = only(fake(std::string("token: ") + t, seed));
      CHECK(f.severity == Severity::medium);
      CHECK(f.reasons == std::vector<std::string>{"non-base32-characters"});
    }
  }
}

TEST_CASE("info: placeholders are decided by shape") {
  for (std::string t : {
           // runs of one character, sequences, short periods
           "dt0c01.000000000000000000000000.@@b32:64@@",
           "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.@@b32:64@@",
           "dt0c01.0123456789ABCDEFGHIJKLMN.9876543210ZYXWVUTSRQPONMLKJIHGFEDCBA0123456789ABCDEFGHIJKLMNOPQR",
           "dt0c01.@@b32:24@@.abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc1",
           "dt0c01.AB12AB12AB12AB12AB12AB12.@@b32:64@@",
           // filler words
           "dt0c01.YOURPUBLICPARTGOESHERE00.@@b32:64@@",
           "dt0c01.@@b32:24@@.@@b32:20@@INSERTSECRETHERE@@b32:28@@",
           // few distinct characters
           "dt0c01.AABBAABABBBABAABBAABABAB.@@b32:64@@",
           "dt0c01.@@b32:24@@.A0B1A0B1B0A1B0A0B1A1B0A0B1A0B1B0A1B0A0B1A1B0A0B1A0B1B0A1B0A0B1A1",
       }) {
    CAPTURE(t);
    auto f = only(fake(env + "token: " + t));
    CHECK(f.severity == Severity::info);
    CHECK(f.reasons == std::vector<std::string>{"placeholder"});
  }
  // Random values of the generators' alphabets are never a placeholder shape (short public parts
  // included), over many seeds.
  for (int i = 0; i < 300; ++i) {
    std::string seed = "shape-" + std::to_string(i);
    for (const char* t : {"@@dt0c01@@", "@@tok:dt0s02:8@@", "@@tok:dt0a01:abc12345@@", "@@tenant:dt0a02@@",
                          "dt0c01.@@upper:alnum:24@@.@@upper:alnum:64@@"}) {
      auto f = only(fake(std::string("token: ") + t, seed));
      CAPTURE(seed);
      CHECK_FALSE(has_reason(f, "placeholder"));
    }
  }
  // The environment id of an agent connection token is not random and is not judged as filler.
  CHECK(only(fake("token: @@tok:dt0a01:abc12345@@")).severity == Severity::medium);
}

TEST_CASE("a token outside its alphabet with an environment in the file is high") {
  for (const char* t : {"dt0c01.@@b32:22@@01.@@b32:62@@8a", "dt0c01.@@upper:alnum:24@@.@@upper:alnum:64@@",
                        "dt0a01.abc12345.@@hex:60@@ZZZZ"}) {
    CAPTURE(t);
    auto f = only(fake(env + "token: " + t));
    CHECK(f.severity == Severity::high);
    CHECK(has_reason(f, "environment-url-in-file"));
  }
  auto without = only(fake("token: dt0a01.abc12345.@@hex:60@@zqzq"));
  CHECK(without.severity == Severity::medium);
  CHECK(without.reasons == std::vector<std::string>{"invalid-characters"});
}

TEST_CASE("a three-part dt0a02 string is a malformed tenant token") {
  auto f = only(fake("tenantToken: dt0a02.@@alnum:24@@.@@alnum:64@@"));
  CHECK(f.rule_id == "dynatrace-token");
  CHECK(f.severity == Severity::medium);
  CHECK(f.reasons == std::vector<std::string>{"malformed", "limited-scope-token"});
  CHECK(f.token_id == "dt0a02"); // no part of a tenant token is shown
  CHECK(f.redacted == "dt0a02.****");
  auto with_env = only(fake(env + "tenantToken: dt0a02.@@alnum:24@@.@@alnum:64@@"));
  CHECK(with_env.severity == Severity::high);
  CHECK(has_reason(with_env, "environment-url-in-file"));
  // Other third parts are not this shape.
  CHECK(scan(fake("tenantToken: dt0a02.@@alnum:24@@.@@alnum:40@@")).empty());
}

TEST_CASE("info: short words in place of token parts are filler") {
  for (const char* t :
       {"dt0c01.SHORT.SHORT", "dt0c01.abc.def", "dt0s02.CLIENTID.CLIENTSECRET", "dt0c01.@@b32:24@@.short"}) {
    CAPTURE(t);
    auto f = only(fake("token: " + std::string(t)));
    CHECK(f.severity == Severity::info);
    CHECK(has_reason(f, "placeholder"));
  }
  // Wrong lengths with random characters are not a token at all.
  CHECK(scan(fake("token: dt0c01.@@b32:24@@.@@b32:40@@")).empty());
  CHECK(scan(fake("token: dt0c01.@@b32:7@@.@@b32:64@@")).empty());
}

TEST_CASE("medium: less powerful tokens without an environment, high with one") {
  for (const char* t : {"@@tok:dt0g02:8@@", "@@tok:dt0e01:24@@", "@@tok:dt0a01:abc12345@@", "@@tenant:dt0a02@@"}) {
    CAPTURE(t);
    auto f = only(fake(std::string("token: ") + t));
    CHECK(f.severity == Severity::medium);
    CHECK(has_reason(f, "limited-scope-token"));
    CHECK(only(fake(env + "token: " + t)).severity == Severity::high);
  }
  auto tenant = only(fake("TENANT_TOKEN=@@alnum:16@@"));
  CHECK(tenant.severity == Severity::medium);
  CHECK(tenant.token_type == "legacy-tenant-token");
}

TEST_CASE("low: api-token URL parameter with a variable or placeholder") {
  for (const char* v : {"$DT_TOKEN", "${TOKEN}", "{{ .Values.token }}", "<your-token>", "%s", "XXXX", "$(DT_TOKEN)",
                        "{your-api-token}", "API_TOKEN"}) {
    CAPTURE(v);
    auto f = only(std::string("https://abc12345.live.dynatrace.com/api?api-token=") + v + "&x=1");
    CHECK(f.rule_id == "dynatrace-token-in-url");
    CHECK(f.severity == Severity::low);
  }
}

TEST_CASE("info: identifiers, masked values, the documentation example and filler") {
  CHECK(only(fake("id: dt0c01.@@b32:24@@")).severity == Severity::info);
  auto masked = only(fake("token: dt0c01.@@b32:24@@.****"));
  CHECK(masked.severity == Severity::info);
  CHECK(has_reason(masked, "masked"));
  CHECK(only("https://h.example/x?api-token=***").severity == Severity::info);
  // The documentation example, also mutated (one character changed) and with its secret prefix only.
  for (const char* t : {"dt0c01.ST2EY72KQINMH574WMNVI7YN.@@b32:64@@", "dt0c01.ST2EY72KQINMH574WMNVI7YQ.@@b32:64@@",
                        "dt0s01.@@b32:24@@.G3DFPBEJYMODIDAEX454@@b32:44@@"}) {
    CAPTURE(t);
    auto f = only(fake(env + std::string("token: ") + t));
    CHECK(f.severity == Severity::info);
    CHECK(has_reason(f, "documentation-example"));
  }
  for (const char* t :
       {"dt0c01.XXXXXXXXXXXXXXXXXXXXXXXX.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "dt0c01.xxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "dt0c01.ABC.DEF"}) {
    CAPTURE(t);
    auto f = only(env + "token: " + t);
    CHECK(f.severity == Severity::info);
    CHECK(has_reason(f, "placeholder"));
  }
}

TEST_CASE("a legacy value is bounded on both sides, base64 characters included") {
  // The first 21 characters of a longer base64 value are not a legacy token.
  for (const char* v : {"@@legacy:21@@+Qw=", "@@legacy:21@@/a", "@@legacy:21@@=", "@@legacy:21@@+"}) {
    CAPTURE(std::string(v));
    CHECK(scan(fake(std::string("SOME_API_TOKEN=") + v)).empty());
  }
  CHECK(only(fake("SOME_API_TOKEN=@@legacy:21@@ # rotated")).severity == Severity::high);
}

TEST_CASE("a generic api-token key is judged by the value's shape") {
  // Authorization: api-token=... and X-Api-Token are other products' headers too.
  CHECK(scan(fake("Authorization: api-token=@@lower:legacy:21@@")).empty());
  CHECK(scan(fake("X-Api-Token: @@hex:21@@")).empty());
  CHECK(scan(fake("api-token: @@upper:legacy:21@@")).empty());
  // A mixed-case random value still looks like a legacy token, and an environment makes it Dynatrace's.
  CHECK(only(fake("Authorization: api-token=@@legacy:21@@")).severity == Severity::high);
  CHECK(only(fake(env + "X-Api-Token: @@lower:legacy:21@@")).severity == Severity::critical);
  // Dynatrace keys are not generic: the value's case does not matter there.
  CHECK(only(fake("DT_API_TOKEN=@@lower:legacy:21@@")).severity == Severity::high);
  CHECK(only(fake("dynatrace.api-token=@@lower:legacy:21@@")).severity == Severity::high);
}

TEST_CASE("legacy values of a placeholder shape are filler") {
  auto f = only("apiToken: abcdefghijklmnopqrstu");
  CHECK(f.severity == Severity::info);
  CHECK(has_reason(f, "placeholder"));
}

TEST_CASE("info: a token id followed by a masked secret, in every style") {
  for (std::string secret :
       {"*", "**", "***", "<hidden>", "<secret part>", "[MASKED]", "(hidden)", "{redacted}", "…", "...", "••••"}) {
    CAPTURE(secret);
    for (const char* id : {"dt0c01.@@b32:24@@", "dt0s02.@@b32:8@@"}) {
      auto f = only(fake(env + "token: " + id + "." + secret + "\n"));
      CHECK(f.rule_id == "dynatrace-token");
      CHECK(f.severity == Severity::info);
      CHECK(f.reasons == std::vector<std::string>{"masked"});
    }
  }
  // A masked style in a URL value keeps its own meaning: <your-token> is a placeholder (low).
  CHECK(only("https://h.example/x?api-token=<your-token>").severity == Severity::low);
}

TEST_CASE("invisible characters inside a token do not hide it") {
  const std::string zwsp = "\u200b", shy = "\u00ad", bom = "\ufeff";
  std::string token = fake("@@dt0c01@@");
  auto clean = only("token: " + token);
  for (size_t at : {size_t(2), size_t(12), size_t(31), size_t(32), size_t(60)})
    for (const std::string& ch : {zwsp, shy, bom}) {
      CAPTURE(at);
      std::string hidden = token.substr(0, at) + ch + token.substr(at);
      auto f = only("token: " + hidden + "\n");
      CHECK(f.severity == Severity::high);
      CHECK(f.reasons == std::vector<std::string>{"well-formed", "obfuscated"});
      CHECK(f.fingerprint == clean.fingerprint); // the value that works once the character is gone
      CHECK(f.column == 8);
      CHECK(f.end_column == 8 + hidden.size());
    }
  // Legacy tokens too, and the environment still counts.
  std::string legacy = fake("@@legacy:21@@");
  auto l = only(env + "Authorization: Api-Token " + legacy.substr(0, 9) + zwsp + legacy.substr(9));
  CHECK(l.severity == Severity::critical);
  CHECK(l.reasons.back() == "obfuscated");
  // A byte-order mark before a token is not inside it.
  CHECK(only(bom + "token: " + token).reasons == std::vector<std::string>{"well-formed"});
  CHECK(only("token: " + zwsp + token + zwsp).reasons == std::vector<std::string>{"well-formed"});
}

TEST_CASE("identifier-shaped legacy values are not findings") {
  CHECK(scan("apiToken: testDynatraceAPIToken").empty());
  CHECK(scan("Authorization: Api-Token $DT_API_TOKEN").empty());
}

TEST_CASE("a test path adds a reason and does not lower the severity") {
  auto f = only(fake("token: @@dt0c01@@"), "tests/fixtures/config.yaml");
  CHECK(f.severity == Severity::high);
  CHECK(has_reason(f, "test-path"));
  CHECK_FALSE(has_reason(only(fake("token: @@dt0c01@@"), "src/config.yaml"), "test-path"));
  CHECK(has_reason(only(fake("token: @@dt0c01@@"), "docs/install.md"), "test-path"));
}

TEST_CASE("redaction and fingerprints never expose the secret") {
  std::string token = fake("@@dt0c01@@");
  auto f = only("token: " + token);
  CHECK(f.redacted == f.token_id + ".****");
  CHECK(f.token_id == token.substr(0, 31));
  CHECK(f.fingerprint.size() == 64);
  CHECK(f.redacted.find(token.substr(32)) == std::string::npos);
  // Same secret, same fingerprint, in another file and context.
  CHECK(only("x = \"" + token + "\"", "other/file.py").fingerprint == f.fingerprint);
  auto legacy = only(fake("Authorization: Api-Token @@l=legacy:21@@"));
  CHECK(legacy.redacted == fake("@@l=legacy:21@@").substr(0, 3) + "****");
  CHECK(legacy.token_id.empty());
  auto tenant = only(fake("token: @@tenant:dt0a02@@"));
  CHECK(tenant.token_id == "dt0a02");
  CHECK(tenant.redacted == "dt0a02.****");
}
