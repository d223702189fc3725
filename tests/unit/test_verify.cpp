// Unit tests of --verify's pure parts: environment URL normalisation (apps -> live, /e/<id> kept), the
// host policy, what each lookup answer means for a finding, which findings are checked with which
// environments, and the option parsing. The HTTP exchange itself is tested end to end (test_verify.sh).
#include "scan_helpers.hpp"
#include "scanner/cli.hpp"
#include "scanner/error.hpp"
#include "scanner/verify/endpoint.hpp"
#include "scanner/verify/environments.hpp"
#include "scanner/verify/outcome.hpp"
#include "scanner/verify/verifier.hpp"

#include <doctest/doctest.h>

using namespace dtscan;
using namespace dtscan::test;

TEST_CASE("verify: environment bases") {
  CHECK(environment_base("https://abc12345.live.dynatrace.com/api/v1/time") == "https://abc12345.live.dynatrace.com");
  CHECK(environment_base("https://abc12345.apps.dynatrace.com/ui/apps") == "https://abc12345.live.dynatrace.com");
  CHECK(environment_base("abc12345.apps.dynatrace.com") == "https://abc12345.live.dynatrace.com");
  CHECK(environment_base("http://ABC12345.Live.Dynatrace.com:8080/x") == "https://abc12345.live.dynatrace.com");
  CHECK(environment_base("https://abc12345.sprint.apps.dynatracelabs.com/") ==
        "https://abc12345.sprint.dynatracelabs.com");
  CHECK(environment_base("https://managed.example.com/e/12345678-1234-4234-8234-123456789abc/api/v2/metrics") ==
        "https://managed.example.com/e/12345678-1234-4234-8234-123456789abc");
  CHECK(environment_base("https://ag.example.com:9999/e/abc12345/api") == "https://ag.example.com:9999/e/abc12345");
  CHECK(environment_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080");
  CHECK_FALSE(environment_base("ftp://abc12345.live.dynatrace.com"));
  CHECK_FALSE(environment_base("https://user:pw@abc12345.live.dynatrace.com"));
  CHECK_FALSE(environment_base("https://ex ample.com/"));
  CHECK_FALSE(environment_base("https://host:99x/"));
  CHECK(lookup_url("https://h/e/x") == "https://h/e/x/api/v2/apiTokens/lookup");
}

TEST_CASE("verify: host policy") {
  HostPolicy none({}, {});
  CHECK(none.refusal("https://abc12345.live.dynatrace.com") == "");
  CHECK(none.refusal("https://abc12345.dev.dynatracelabs.com") == "");
  CHECK(none.refusal("https://managed.example.com/e/x") == "host-not-allowed");
  CHECK(none.refusal("https://evil-dynatrace.com") == "host-not-allowed");
  CHECK(none.refusal("https://dynatrace.com.evil.net") == "host-not-allowed");
  CHECK(none.refusal("http://abc12345.example.dynatrace.com:80/e/x") == "plain-http-not-allowed");

  HostPolicy given({"https://managed.example.com/e/x", "http://plain.example.com"}, {"127.0.0.1:8080", "ag.local"});
  CHECK(given.refusal("https://managed.example.com/e/y") == "");
  CHECK(given.refusal("https://managed.example.com:8443/e/y") == "");           // --env-url without a port: any port
  CHECK(given.refusal("http://plain.example.com") == "plain-http-not-allowed"); // --env-url does not allow http
  CHECK(given.refusal("https://plain.example.com") == "");
  CHECK(given.refusal("http://127.0.0.1:8080/e/x") == "");
  CHECK(given.refusal("http://127.0.0.1:8081/e/x") == "plain-http-not-allowed");
  CHECK(given.refusal("https://127.0.0.1:8081/e/x") == "host-not-allowed");
  CHECK(given.refusal("http://ag.local:9999/e/x") == "");

  CHECK(parse_allowed_host("Example.COM:443") == "example.com:443");
  CHECK_FALSE(parse_allowed_host("https://example.com"));
  CHECK_FALSE(parse_allowed_host("example.com/path"));
  CHECK_FALSE(parse_allowed_host("a@example.com"));
  CHECK_FALSE(parse_allowed_host(""));
}

TEST_CASE("verify: what each answer means") {
  HttpAnswer ok{200,
                R"({"name":"n","owner":"o","enabled":true,"scopes":["apiTokens.write","metrics.read",
    "extensions.write"],"expirationDate":"2027-01-01T00:00:00.000Z"})",
                {},
                ""};
  Verification v = interpret_answer(ok, "https://e");
  CHECK(v.status == Verification::Status::active);
  CHECK(v.environment == "https://e");
  REQUIRE(v.scopes);
  CHECK(v.scopes->size() == 3);
  CHECK(v.expires == "2027-01-01T00:00:00.000Z");
  CHECK(v.owner == "o");
  CHECK(v.name == "n");

  Finding f;
  f.severity = Severity::high;
  f.reasons = {"well-formed"};
  apply_verification(f, v);
  CHECK(f.severity == Severity::critical);
  CHECK(f.reasons == std::vector<std::string>{"well-formed", "verified-active", "dangerous-scope:apiTokens.write",
                                              "dangerous-scope:extensions.write"});

  CHECK(interpret_answer({200, R"({"enabled":false})", {}, ""}, "e").status == Verification::Status::inactive);
  Verification forbidden = interpret_answer({403, "", {}, ""}, "e");
  CHECK(forbidden.status == Verification::Status::active);
  CHECK_FALSE(forbidden.scopes);
  for (long status : {401L, 404L}) {
    Finding g;
    g.severity = Severity::critical;
    apply_verification(g, interpret_answer({status, "", {}, ""}, "e"));
    CHECK(g.severity == Severity::medium);
    CHECK(g.reasons == std::vector<std::string>{"revoked-or-invalid"});
    CHECK(g.verification->status == Verification::Status::inactive);
  }
  for (auto [answer, detail] :
       {std::pair{HttpAnswer{500, "", {}, ""}, "http-500"}, std::pair{HttpAnswer{302, "", {}, ""}, "http-302"},
        std::pair{HttpAnswer{429, "", 1L, ""}, "rate-limited"},
        std::pair{HttpAnswer{0, "", {}, "timeout"}, "timeout"}}) {
    Finding g;
    g.severity = Severity::high;
    apply_verification(g, interpret_answer(answer, "e"));
    CHECK(g.severity == Severity::high);
    CHECK(g.reasons.empty());
    CHECK(g.verification->status == Verification::Status::unknown);
    CHECK(g.verification->detail == detail);
  }
}

TEST_CASE("verify: which findings are checked, with which environments") {
  const std::string tok = fake("@@dt0c01@@", "verify-unit");
  const std::string legacy = fake("@@legacy:21@@", "verify-unit");
  EnvironmentUrls urls(builtin_rules().classification);
  ScanEngine e(builtin_rules(), DecodeMode::on, SecretDisplay::redacted);
  e.verify = &urls;
  FileScanner scanner(e);
  auto findings = scanner
                      .scan_bytes("a: https://abc12345.apps.dynatrace.com/ui\nb: https://docs.dynatrace.com/x\n"
                                  "c: https://m.example.com/e/12345678-1234-4234-8234-123456789abc/api\ntoken: " +
                                      tok + "\nDT_API_TOKEN=" + legacy + "\nid: dt0c01.ST2EY72KQINMH574WMNVI7YN\n",
                                  "x.yaml")
                      .findings;
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].verify_secret == tok);
  CHECK(findings[0].secret.empty()); // the value is kept for verification only, not for the report
  CHECK(findings[0].verify_environments ==
        std::vector<std::string>{"https://abc12345.live.dynatrace.com",
                                 "https://m.example.com/e/12345678-1234-4234-8234-123456789abc"});
  CHECK(findings[1].verify_secret == legacy);
  CHECK(findings[2].verify_secret.empty()); // a token id alone is not checked

  // Without an allowed environment nothing is sent: the results say why, and the secrets are wiped.
  VerifyOptions o;
  findings[0].verify_environments = {"https://m.example.com/e/12345678-1234-4234-8234-123456789abc"};
  findings[1].verify_environments.clear();
  CHECK(verify_findings(findings, o) == 0);
  CHECK(findings[0].verification->detail == "host-not-allowed");
  CHECK(findings[1].verification->detail == "no-environment");
  CHECK_FALSE(findings[2].verification);
  CHECK(findings[0].verify_secret.empty());
  CHECK(findings[1].verify_secret.empty());

  Finding doc;
  doc.token_type = "dt0c01";
  doc.severity = Severity::info;
  doc.reasons = {"well-formed", "documentation-example"};
  CHECK_FALSE(verifiable(doc, tok));
  doc.severity = Severity::high;
  CHECK(verifiable(doc, tok));
  CHECK_FALSE(verifiable(doc, tok + "\""));
}

TEST_CASE("verify: options") {
  Options o = parse_command_line({"scan", "--verify", "--env-url", "https://abc12345.live.dynatrace.com",
                                  "--env-url=https://m.example.com/e/x", "--verify-allow-host", "127.0.0.1:8080",
                                  "--verify-timeout", "2.5"});
  CHECK(o.verify);
  CHECK(o.env_urls.size() == 2);
  CHECK(o.verify_allow_hosts == std::vector<std::string>{"127.0.0.1:8080"});
  CHECK(o.verify_timeout_ms == 2500);
  CHECK(o.verify_interval_ms == 100); // 10 a second unless --verify-rate says otherwise
  CHECK(parse_command_line({"scan", "--verify", "--verify-rate", "4"}).verify_interval_ms == 250);
  CHECK(parse_command_line({"scan", "--verify", "--verify-rate", "0.5"}).verify_interval_ms == 2000);
  CHECK(parse_command_line({"audit", "--verify"}).verify);
  CHECK_FALSE(parse_command_line({"scan"}).verify);
  CHECK_FALSE(parse_command_line({"staged"}).verify);
  CHECK(parse_command_line({"staged", "--verify"}).verify);
  for (auto args :
       std::vector<std::vector<std::string>>{{"scan", "--verify=yes"},
                                             {"scan", "--verify", "--env-url", "abc12345.live.dynatrace.com"},
                                             {"scan", "--verify", "--env-url", "ftp://x"},
                                             {"scan", "--verify", "--verify-allow-host", "http://x"},
                                             {"scan", "--verify", "--verify-timeout", "-1"},
                                             {"scan", "--verify", "--verify-timeout", "nan"},
                                             {"scan", "--verify", "--verify-timeout", "1000"},
                                             {"scan", "--verify-allow-host", "x"},
                                             {"rules", "--verify"}}) {
    CAPTURE(args.back());
    CHECK_THROWS_AS(parse_command_line(args), FatalError);
  }
  try {
    parse_command_line({"scan", "--verfy"});
    FAIL("no error");
  } catch (const FatalError& e) {
    CHECK(std::string(e.what()).find("did you mean '--verify'") != std::string::npos);
  }
}
