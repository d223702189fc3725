// Baselines: the key is (fingerprint, rule, path) and nothing else; files round-trip; malformed files
// are one-line FatalErrors; the file holds no secret.
#include "scanner/baseline.hpp"
#include "scanner/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dtscan;

namespace {

Finding finding(std::string fp_char, std::string rule, std::string path, uint64_t line) {
  Finding f;
  f.fingerprint = std::string(64, fp_char[0]);
  f.rule_id = std::move(rule);
  f.path = std::move(path);
  f.line = line;
  f.secret = "the-secret-value";
  return f;
}

} // namespace

TEST_CASE("baseline: line and commit do not matter, fingerprint, rule and path do") {
  Finding f = finding("a", "dynatrace-token", "deploy/install.sh", 12);
  Baseline b = Baseline::from_findings({f});
  Finding moved = f;
  moved.line = 40;
  moved.column = 3;
  moved.commit = "0123456789012345678901234567890123456789";
  CHECK(b.contains(moved));
  CHECK_FALSE(b.contains(finding("b", "dynatrace-token", "deploy/install.sh", 12)));
  CHECK_FALSE(b.contains(finding("a", "dynatrace-token-id", "deploy/install.sh", 12)));
  CHECK_FALSE(b.contains(finding("a", "dynatrace-token", "deploy/other.sh", 12)));
}

TEST_CASE("baseline: to_json round-trips, is sorted and unique, holds no secret") {
  std::vector<Finding> fs{finding("c", "r", "z", 1), finding("a", "r", "b", 2), finding("a", "r", "b", 9),
                          finding("b", "r", "\xff\xfe-invalid-utf8", 1)};
  Baseline b = Baseline::from_findings(fs);
  CHECK(b.size() == 3);
  std::string text = b.to_json();
  CHECK(text.find("the-secret-value") == std::string::npos);
  CHECK(text.find("\"schema\": \"dtscan/baseline/v1\"") != std::string::npos);
  CHECK(text.find(std::string(64, 'a')) < text.find(std::string(64, 'c')));
  Baseline again = Baseline::parse(text, "b.json");
  CHECK(again.size() == 3);
  for (const auto& f : fs)
    CHECK(again.contains(f)); // including the path that is not valid UTF-8
  CHECK(again.to_json() == text);
}

TEST_CASE("baseline: malformed files are errors naming the file") {
  const std::string fp(64, 'a');
  for (std::string text :
       {std::string("not json"), std::string("[]"), std::string("{\"findings\": []}"),
        std::string("{\"schema\": \"dtscan/baseline/v2\", \"findings\": []}"),
        std::string("{\"schema\": \"dtscan/baseline/v1\"}"),
        std::string("{\"schema\": \"dtscan/baseline/v1\", \"findings\": [1]}"),
        "{\"schema\": \"dtscan/baseline/v1\", \"findings\": [{\"fingerprint\": \"" + fp + "\", \"rule_id\": \"r\"}]}",
        std::string("{\"schema\": \"dtscan/baseline/v1\", \"findings\": [{\"fingerprint\": "
                    "\"xyz\", \"rule_id\": \"r\", \"path\": \"p\"}]}")}) {
    CAPTURE(text);
    try {
      Baseline::parse(text, "base.json");
      FAIL("accepted a malformed baseline");
    } catch (const FatalError& e) {
      std::string msg = e.what();
      CHECK(msg.find("base.json") != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
  CHECK_THROWS_AS(Baseline::load("/nonexistent/dir/base.json"), FatalError);
  CHECK(Baseline::parse("{\"schema\": \"dtscan/baseline/v1\", \"findings\": []}", "x").size() == 0);
}
