// Rule loading: the built-in file is valid and complete; malformed files fail with one clear line.
#include "scanner/error.hpp"
#include "scanner/rules.hpp"

#include <doctest/doctest.h>

using namespace dtscan;

namespace {
std::string error_of(const std::string& json) {
  try {
    parse_rules(json, "t.json");
  } catch (const FatalError& e) {
    return e.what();
  }
  return "";
}
const char* minimal_rule = R"j({"id": "r", "keywords": ["abc"], "pattern": "abc(?P<value>[0-9]+)"})j";
} // namespace

TEST_CASE("the built-in rules hold every rule of SPEC §1 with examples") {
  RuleSet rules = load_rules({});
  for (const char* id : {"dynatrace-token", "dynatrace-token-in-url", "dynatrace-legacy-token", "dynatrace-token-id"}) {
    CAPTURE(id);
    const Rule* r = rules.find(id);
    REQUIRE(r != nullptr);
    CHECK(r->builtin);
    CHECK_FALSE(r->examples.empty());
    CHECK_FALSE(r->negative_examples.empty());
    CHECK_FALSE(r->help.empty());
  }
  CHECK_FALSE(rules.classification.token_types.empty());
  CHECK_FALSE(rules.classification.environment_url_patterns.empty());
  // The most specific rule has the highest priority.
  CHECK(rules.find("dynatrace-token-in-url")->priority > rules.find("dynatrace-token")->priority);
  CHECK(rules.find("dynatrace-token")->priority > rules.find("dynatrace-token-id")->priority);
}

TEST_CASE("a minimal custom rule loads with defaults") {
  RuleSet set = parse_rules(std::string(R"j({"rules": [)j") + minimal_rule + "]}", "t.json");
  REQUIRE(set.rules.size() == 1);
  CHECK(set.rules[0].severity == Severity::high);
  CHECK(set.rules[0].word_boundary);
  CHECK_FALSE(set.rules[0].builtin);
}

TEST_CASE("malformed rule files are one-line errors naming the file") {
  CHECK(error_of("{").find("invalid rule file t.json: JSON") == 0);
  CHECK(error_of("[]").find("must be an object") != std::string::npos);
  CHECK(error_of(R"j({"rules": [{"keywords": ["abc"], "pattern": "a(?P<value>b)"}]})j").find("missing \"id\"") !=
        std::string::npos);
  CHECK(error_of(R"j({"rules": [{"id": "r", "keywords": ["abc"], "pattern": "a(?P<value>b"}]})j")
            .find("invalid pattern") != std::string::npos);
  CHECK(error_of(R"j({"rules": [{"id": "r", "keywords": ["abc"], "pattern": "a(b)"}]})j").find("named group") !=
        std::string::npos);
  CHECK(error_of(R"j({"rules": [{"id": "r", "keywords": ["ab"], "pattern": "a(?P<value>b)"}]})j").find("shorter") !=
        std::string::npos);
  CHECK(error_of(std::string(R"j({"rules": [)j") + minimal_rule + "," + minimal_rule + "]}").find("duplicate id") !=
        std::string::npos);
  CHECK(error_of(R"j({"rules": [{"id": "r", "keywords": ["abc"], "pattern": "(?P<value>a)", "severity": "huge"}]})j")
            .find("unknown severity") != std::string::npos);
  // Backreferences are not RE2: rejected, not silently slow.
  CHECK(error_of(R"j({"rules": [{"id": "r", "keywords": ["abc"], "pattern": "(?P<value>a)\\1"}]})j")
            .find("invalid pattern") != std::string::npos);
  for (const std::string& msg : {error_of("{"), error_of("[]")})
    CHECK(msg.find('\n') == std::string::npos);
}

TEST_CASE("an extra rule file cannot redefine a built-in rule") {
  CHECK_THROWS_AS(load_rules({"/nonexistent/rules.json"}), FatalError);
}
