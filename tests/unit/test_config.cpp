// `.dtscan.json`: the three keys, the baseline resolved against the file's directory, and every kind of
// malformed file as a one-line FatalError naming the file.
#include "scanner/config.hpp"
#include "scanner/error.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace dtscan;

TEST_CASE("config: exclude, fail_on, baseline") {
  ProjectConfig c =
      parse_project_config(R"({"exclude": ["vendor/**", "*.min.js"], "fail_on": "medium", "baseline": "ci/base.json"})",
                           "repo/.dtscan.json");
  CHECK(c.exclude == std::vector<std::string>{"vendor/**", "*.min.js"});
  REQUIRE(c.fail_on.has_value());
  CHECK(*c.fail_on == Severity::medium);
  CHECK(c.baseline == "repo/ci/base.json");

  ProjectConfig never = parse_project_config(R"({"fail_on": "never", "baseline": "/abs/b.json"})", ".dtscan.json");
  REQUIRE(never.fail_on.has_value());
  CHECK_FALSE(never.fail_on->has_value());
  CHECK(never.baseline == "/abs/b.json");

  ProjectConfig empty = parse_project_config("{}", ".dtscan.json");
  CHECK(empty.exclude.empty());
  CHECK_FALSE(empty.fail_on.has_value());
  CHECK_FALSE(empty.baseline.has_value());
}

TEST_CASE("config: malformed files") {
  for (const char* text :
       {"{", "[]", R"({"exlude": ["x"]})", R"({"exclude": "x"})", R"({"exclude": [1]})", R"({"exclude": [""]})",
        R"({"fail_on": "severe"})", R"({"fail_on": 3})", R"({"baseline": ""})", R"({"baseline": null})"}) {
    CAPTURE(text);
    try {
      parse_project_config(text, "proj/.dtscan.json");
      FAIL("accepted a malformed config");
    } catch (const FatalError& e) {
      std::string msg = e.what();
      CHECK(msg.find("proj/.dtscan.json") != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("config: load_project_config reads DIR/.dtscan.json or nothing") {
  char tmpl[] = "/tmp/dtscan-config-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  CHECK_FALSE(load_project_config(dir).has_value());
  { std::ofstream(dir + "/.dtscan.json") << R"({"fail_on": "low"})"; }
  auto c = load_project_config(dir);
  REQUIRE(c.has_value());
  CHECK(c->path == dir + "/.dtscan.json");
  CHECK(*c->fail_on == Severity::low);
  { std::ofstream(dir + "/.dtscan.json") << "{oops"; }
  CHECK_THROWS_AS(load_project_config(dir), FatalError);
  std::remove((dir + "/.dtscan.json").c_str());
  ::rmdir(dir.c_str());
}
