// Unit tests of the SARIF writer: every rule once with GitHub's metadata, levels mapped from severity,
// URIs percent-encoded, fingerprints independent of lines, and no secret in the log by default.
#include "scanner/report/writers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace dtscan;
using nlohmann::json;

namespace {

const std::string k_fake_secret = "FAKESECRETFAKESECRETFAKESECRETFAKESECRETFAKESECRETFAKESECRETABCD";

RuleSet fake_rules() {
  RuleSet rs;
  Rule token;
  token.id = "dynatrace-token";
  token.name = "DynatraceToken";
  token.short_description = "Dynatrace access token";
  token.full_description = "A three-part Dynatrace token.";
  token.help = "Revoke it under **Access tokens**.";
  token.severity = Severity::high;
  token.security_severity = "8.0";
  token.tags = {"secret", "dynatrace"};
  rs.rules.push_back(token);
  Rule id;
  id.id = "dynatrace-token-id";
  id.name = "DynatraceTokenId";
  id.short_description = "Dynatrace token identifier";
  id.severity = Severity::info;
  id.tags = {"security"};
  rs.rules.push_back(id);
  Rule url;
  url.id = "dynatrace-token-in-url";
  url.name = "DynatraceTokenInUrl";
  url.severity = Severity::critical;
  rs.rules.push_back(url);
  return rs;
}

Finding fake_finding(std::string path, Severity sev, std::string rule_id = "dynatrace-token") {
  Finding f;
  f.rule_id = std::move(rule_id);
  f.token_type = "dt0c01";
  f.severity = sev;
  f.reasons = {"well-formed"};
  f.path = std::move(path);
  f.line = 4;
  f.column = 9;
  f.end_line = 4;
  f.end_column = 99;
  f.token_id = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
  f.redacted = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA.****";
  f.fingerprint = std::string(64, 'e');
  f.secret = k_fake_secret;
  return f;
}

std::string sarif_text(const Report& r, const RuleSet& rules, bool show_secrets = false) {
  ReportContext ctx;
  ctx.rules = &rules;
  ctx.show_secrets = show_secrets;
  ctx.version = "1.2.3";
  std::ostringstream out;
  write_sarif(out, r, ctx);
  return out.str();
}

json sarif_of(const Report& r, const RuleSet& rules, bool show_secrets = false) {
  return json::parse(sarif_text(r, rules, show_secrets));
}

} // namespace

TEST_CASE("sarif: log, run and driver") {
  const RuleSet rules = fake_rules();
  const json log = sarif_of(Report{}, rules);
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const json& run = log["runs"][0];
  const json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "dtscan");
  CHECK(driver["version"] == "1.2.3");
  CHECK(driver["semanticVersion"] == "1.2.3");
  CHECK(driver["informationUri"].get<std::string>().rfind("https://", 0) == 0);
  CHECK(run["results"].is_array());
  CHECK(run["results"].empty());
  CHECK(run["columnKind"] == "unicodeCodePoints");
}

TEST_CASE("sarif: every rule once, in order, with GitHub's metadata") {
  const RuleSet rules = fake_rules();
  const json ds = sarif_of(Report{}, rules)["runs"][0]["tool"]["driver"]["rules"];
  REQUIRE(ds.size() == 3);
  CHECK(ds[0]["id"] == "dynatrace-token");
  CHECK(ds[1]["id"] == "dynatrace-token-id");
  CHECK(ds[2]["id"] == "dynatrace-token-in-url");
  CHECK(ds[0]["name"] == "DynatraceToken");
  CHECK(ds[0]["shortDescription"]["text"] == "Dynatrace access token");
  CHECK(ds[0]["fullDescription"]["text"] == "A three-part Dynatrace token.");
  CHECK(ds[1]["fullDescription"]["text"] == "Dynatrace token identifier"); // falls back to the short one
  CHECK(ds[0]["help"]["text"] == "Revoke it under Access tokens.");        // plain text: no markdown marks
  CHECK(ds[0]["help"]["markdown"] == "Revoke it under **Access tokens**.");
  const std::string generated = ds[1]["help"]["markdown"];
  CHECK(generated.find("Access tokens") != std::string::npos); // generated remediation
  CHECK(generated.find("Tokens API") != std::string::npos);
  CHECK(generated.find("history") != std::string::npos);
  CHECK(ds[0]["defaultConfiguration"]["level"] == "error");
  CHECK(ds[1]["defaultConfiguration"]["level"] == "note");
  CHECK(ds[2]["defaultConfiguration"]["level"] == "error");
  CHECK(ds[0]["properties"]["tags"] == json::array({"secret", "dynatrace", "security"}));
  CHECK(ds[1]["properties"]["tags"] == json::array({"security"})); // not added twice
  CHECK(ds[0]["properties"]["security-severity"] == "8.0");
  CHECK(ds[1]["properties"]["security-severity"] == "1.0"); // derived from the severity
  CHECK(ds[2]["properties"]["security-severity"] == "9.5");
}

TEST_CASE("sarif: result levels, rule indexes and locations") {
  const RuleSet rules = fake_rules();
  Report r;
  r.findings.push_back(fake_finding("a.txt", Severity::critical, "dynatrace-token-in-url"));
  r.findings.push_back(fake_finding("b.txt", Severity::high));
  r.findings.push_back(fake_finding("c.txt", Severity::medium));
  r.findings.push_back(fake_finding("d.txt", Severity::low));
  r.findings.push_back(fake_finding("e.txt", Severity::info, "dynatrace-token-id"));
  const json results = sarif_of(r, rules)["runs"][0]["results"];
  REQUIRE(results.size() == 5);
  const std::vector<std::string> levels = {"error", "error", "warning", "note", "note"};
  for (size_t i = 0; i < 5; ++i)
    CHECK(results[i]["level"] == levels[i]);
  // Each result points at the descriptor of its rule and severity, appended after the rule set's own
  // (3 here) in order of first use, and ranked by that severity's security-severity.
  const json log = sarif_of(r, rules);
  const json& ds = log["runs"][0]["tool"]["driver"]["rules"];
  REQUIRE(ds.size() == 8);
  const std::vector<std::string> ids = {"dynatrace-token-in-url/critical", "dynatrace-token/high",
                                        "dynatrace-token/medium", "dynatrace-token/low", "dynatrace-token-id/info"};
  const std::vector<std::string> security = {"9.5", "8.0", "5.5", "3.0", "1.0"};
  for (size_t i = 0; i < 5; ++i) {
    CHECK(results[i]["ruleId"] == ids[i]);
    CHECK(results[i]["ruleIndex"] == 3 + i);
    CHECK(ds[3 + i]["id"] == ids[i]);
    CHECK(ds[3 + i]["properties"]["security-severity"] == security[i]);
    CHECK(ds[3 + i]["defaultConfiguration"]["level"] == levels[i]);
  }
  CHECK(ds[4]["name"] == "DynatraceTokenHigh");
  const json& loc = results[1]["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "b.txt");
  CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(loc["region"] == json{{"startLine", 4}, {"startColumn", 9}, {"endLine", 4}, {"endColumn", 99}});
  const json& props = results[1]["properties"];
  CHECK(props["severity"] == "high");
  CHECK(props["reasons"] == json::array({"well-formed"}));
  CHECK(props["token_id"] == "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK_FALSE(props.contains("decoded"));
  CHECK_FALSE(props.contains("commit"));
  const std::string msg = results[1]["message"]["text"];
  CHECK(msg.find("dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA.****") != std::string::npos);
  CHECK(msg.find("high") != std::string::npos);
}

TEST_CASE("sarif: no secret anywhere unless show_secrets") {
  const RuleSet rules = fake_rules();
  Report r;
  Finding f = fake_finding("a.txt", Severity::critical);
  f.decoded = Decoding::percent;
  f.commit = "0123456789abcdef0123456789abcdef01234567";
  f.repository = "repos/one";
  r.findings.push_back(f);
  CHECK(sarif_text(r, rules).find(k_fake_secret) == std::string::npos);
  const json shown = sarif_of(r, rules, true)["runs"][0]["results"][0];
  CHECK(shown["properties"]["secret"] == k_fake_secret);
  CHECK(shown["message"]["text"].get<std::string>().find(k_fake_secret) == std::string::npos);
  CHECK(shown["properties"]["decoded"] == "percent");
  CHECK(shown["properties"]["commit"] == "0123456789abcdef0123456789abcdef01234567");
  CHECK(shown["properties"]["repository"] == "repos/one");
}

TEST_CASE("sarif: URIs are percent-encoded RFC 3986 references") {
  const RuleSet rules = fake_rules();
  Report r;
  r.findings.push_back(fake_finding("dir/a b%#?.txt", Severity::high));
  r.findings.push_back(fake_finding(std::string("bad\xff/x\ny:z~_-.txt"), Severity::high));
  r.findings.push_back(fake_finding("caf\xc3\xa9/\xe2\x82\xac.txt", Severity::high));
  json log;
  REQUIRE_NOTHROW(log = sarif_of(r, rules));
  const json& res = log["runs"][0]["results"];
  auto uri = [&](size_t i) { return res[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]; };
  CHECK(uri(0) == "dir/a%20b%25%23%3F.txt");
  CHECK(uri(1) == "bad%FF/x%0Ay%3Az~_-.txt");
  CHECK(uri(2) == "caf%C3%A9/%E2%82%AC.txt");
}

TEST_CASE("sarif: partial fingerprints follow fingerprint, rule and path, not lines") {
  const RuleSet rules = fake_rules();
  Report r;
  Finding base = fake_finding("a.txt", Severity::high);
  Finding moved = base;
  moved.line = 400;
  moved.end_line = 400;
  moved.column = 1;
  Finding other_path = base;
  other_path.path = "b.txt";
  Finding other_rule = base;
  other_rule.rule_id = "dynatrace-token-in-url";
  Finding other_secret = base;
  other_secret.fingerprint = std::string(64, 'd');
  r.findings = {base, moved, other_path, other_rule, other_secret};
  const json res = sarif_of(r, rules)["runs"][0]["results"];
  auto fp = [&](size_t i) { return res[i]["partialFingerprints"]["dtscan/v1"].get<std::string>(); };
  CHECK(fp(0).size() == 64);
  CHECK(fp(0).find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(fp(0) == fp(1));
  CHECK(fp(0) != fp(2));
  CHECK(fp(0) != fp(3));
  CHECK(fp(0) != fp(4));
}

TEST_CASE("sarif: a finding of a rule outside the set still points at a descriptor") {
  const RuleSet rules = fake_rules();
  Report r;
  r.findings.push_back(fake_finding("a.txt", Severity::medium, "custom-rule"));
  r.findings.push_back(fake_finding("b.txt", Severity::medium, "custom-rule"));
  const json run = sarif_of(r, rules)["runs"][0];
  const json& ds = run["tool"]["driver"]["rules"];
  REQUIRE(ds.size() == 5); // 3 rules, the custom rule, its one severity used
  CHECK(ds[3]["id"] == "custom-rule");
  CHECK(ds[4]["id"] == "custom-rule/medium");
  CHECK(run["results"][0]["ruleIndex"] == 4);
  CHECK(run["results"][1]["ruleIndex"] == 4);
  CHECK(ds[3]["properties"]["tags"] == json::array({"security"}));
  CHECK(ds[4]["properties"]["tags"] == json::array({"security"}));
}

TEST_CASE("sarif: artifact URIs against --sarif-root, and the automation category") {
  const RuleSet rules = fake_rules();
  Report r;
  r.findings.push_back(fake_finding("app.env", Severity::high));
  r.findings.push_back(fake_finding("/elsewhere/x y.env", Severity::high));
  r.findings.push_back(fake_finding("../up.env", Severity::high));
  ReportContext ctx;
  ctx.rules = &rules;
  ctx.sarif_category = "dtscan/git-range";
  ctx.sarif_base = "/work/repo/src"; // the scanned directory: report paths are relative to it
  ctx.sarif_root = "/work/repo";
  std::ostringstream out;
  write_sarif(out, r, ctx);
  const json run = json::parse(out.str())["runs"][0];
  CHECK(run["automationDetails"]["id"] == "dtscan/git-range/");
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/repo/");
  auto artifact = [&](size_t i) { return run["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]; };
  CHECK(artifact(0) == json{{"uri", "src/app.env"}, {"uriBaseId", "%SRCROOT%"}});
  CHECK(artifact(1) == json{{"uri", "file:///elsewhere/x%20y.env"}});
  CHECK(artifact(2) == json{{"uri", "up.env"}, {"uriBaseId", "%SRCROOT%"}});
  // Fingerprints keep the report path, whatever the root.
  ReportContext other = ctx;
  other.sarif_root = "/";
  std::ostringstream out2;
  write_sarif(out2, r, other);
  const json run2 = json::parse(out2.str())["runs"][0];
  CHECK(run2["results"][0]["partialFingerprints"] == run["results"][0]["partialFingerprints"]);
  CHECK(run2["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "work/repo/src/app.env");
}
