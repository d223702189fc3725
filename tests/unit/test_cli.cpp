// Command-line parsing: defaults, every option form, and usage errors as FatalError.
#include "scanner/cli.hpp"
#include "scanner/error.hpp"

#include <doctest/doctest.h>

using namespace dtscan;

TEST_CASE("scan defaults") {
  Options o = parse_command_line({"scan"});
  CHECK(o.command == Command::scan);
  CHECK(o.paths == std::vector<std::string>{"."});
  CHECK(o.format == Format::text);
  CHECK(o.fail_on == Severity::high);
  CHECK(o.threads == 0);
  CHECK_FALSE(o.show_secrets);
}

TEST_CASE("options in both forms, before and after paths") {
  Options o = parse_command_line({"scan", "a", "--format=json", "-o", "r.json", "b", "--fail-on", "never", "-j2",
                                  "--exclude", "*.log", "--exclude=vendor", "--max-file-size", "1000", "--no-decode",
                                  "--show-secrets", "-", "--", "--weird-name"});
  CHECK(o.paths == std::vector<std::string>{"a", "b", "-", "--weird-name"});
  CHECK(o.format == Format::json);
  CHECK(o.output == "r.json");
  CHECK_FALSE(o.fail_on.has_value());
  CHECK(o.threads == 2);
  CHECK(o.excludes == std::vector<std::string>{"*.log", "vendor"});
  CHECK(o.max_file_size == 1000u);
  CHECK(o.no_decode);
  CHECK(o.show_secrets);
}

TEST_CASE("rules, version, help") {
  CHECK(parse_command_line({"rules", "--check"}).rules_check);
  CHECK(parse_command_line({"version"}).command == Command::version);
  CHECK(parse_command_line({"--help"}).command == Command::help);
  CHECK(parse_command_line({"scan", "-h"}).command == Command::help);
  CHECK(parse_command_line({"scan", "-h"}).help_topic == Command::scan);
  CHECK(parse_command_line({"git", "--range", "a..b", "--help"}).help_topic == Command::git);
  CHECK(parse_command_line({"help", "staged"}).help_topic == Command::staged);
  CHECK(parse_command_line({"help"}).help_topic == Command::help);
  CHECK(usage_text(Command::git).find("--range") != std::string::npos);
  CHECK(usage_text(Command::scan).find("--range") == std::string::npos);
}

TEST_CASE("-o - and sizes with units") {
  CHECK(parse_command_line({"scan", "-o", "-"}).output.empty());
  CHECK(parse_command_line({"scan", "-o-"}).output.empty());
  auto size = [](const char* v) { return parse_command_line({"scan", "--max-file-size", v}).max_file_size.value(); };
  CHECK(size("0") == 0);
  CHECK(size("1500") == 1500);
  CHECK(size("10MB") == 10'000'000);
  CHECK(size("10m") == 10'000'000);
  CHECK(size("512k") == 512'000);
  CHECK(size("1GiB") == (uint64_t{1} << 30));
  CHECK(size("3kib") == 3072);
  CHECK(size("2TB") == 2'000'000'000'000);
  for (const char* bad : {"", "MB", "1.5MB", "10 MB", "10XB", "-1", "20000000TiB"})
    CHECK_THROWS_AS(parse_command_line({"scan", "--max-file-size", bad}), FatalError);
}

TEST_CASE("did you mean") {
  auto message = [](std::vector<std::string> args) {
    try {
      parse_command_line(args);
    } catch (const FatalError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message({"scan", "--fromat", "json"}).find("did you mean '--format'?") != std::string::npos);
  CHECK(message({"scan", "--exlcude", "x"}).find("did you mean '--exclude'?") != std::string::npos);
  CHECK(message({"stagd"}).find("did you mean 'staged'?") != std::string::npos);
  CHECK(message({"scan", "--zzzzzzzzzzzz"}).find("did you mean") == std::string::npos);
}

TEST_CASE("usage errors") {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{},
                                             {"frobnicate"},
                                             {"scan", "--format", "xml"},
                                             {"scan", "--fail-on", "severe"},
                                             {"scan", "-j", "0"},
                                             {"scan", "-j", "two"},
                                             {"scan", "--output"},
                                             {"scan", "--bogus"},
                                             {"scan", "--show-secrets=yes"},
                                             {"rules", "extra"},
                                             {"scan", "--max-file-size", "-1"},
                                             {"audit", "--max-depth", "x"},
                                             {"staged", "-"},
                                             {"staged", "--range", "a..b"},
                                             {"scan", "--repo", "."},
                                             {"git", "a", "b"},
                                             {"git", "--range"},
                                             {"git", "--range="},
                                             {"scan", "--baseline="},
                                             {"scan", "--write-baseline"},
                                             {"scan", "--verify", "--verify-timeout", "0"},
                                             {"scan", "--env-url", "https://abc12345.live.dynatrace.com"},
                                             {"scan", "--verify", "--verify-rate", "0"},
                                             {"scan", "--verify", "--verify-rate", "5x"},
                                             {"audit", "--verify", "--state", "s.db"},
                                             {"merge", "--verify", "r.jsonl"}}) {
    CAPTURE(args.size());
    CHECK_THROWS_AS(parse_command_line(args), FatalError);
  }
}

TEST_CASE("git commands: staged, git, baselines") {
  Options s = parse_command_line({"staged", "--repo", "sub/dir", "--format", "json"});
  CHECK(s.command == Command::staged);
  CHECK(s.repo == "sub/dir");
  CHECK(s.paths.empty());
  CHECK(parse_command_line({"staged"}).repo.empty()); // from GIT_DIR, or the current directory
  // The file names the pre-commit framework passes, options before or after them.
  CHECK(parse_command_line({"staged", "a.env", "--fail-on", "low", "src/b.env"}).paths ==
        std::vector<std::string>{"a.env", "src/b.env"});

  Options g = parse_command_line({"git", "--range=origin/main..HEAD", "repo.git", "-j1"});
  CHECK(g.command == Command::git);
  CHECK(g.range == "origin/main..HEAD");
  CHECK(g.paths == std::vector<std::string>{"repo.git"});
  CHECK(parse_command_line({"git"}).paths == std::vector<std::string>{"."});
  CHECK(parse_command_line({"git"}).range.empty());

  Options b = parse_command_line({"scan", "--baseline", "old.json", "--write-baseline=new.json"});
  CHECK(b.baseline == "old.json");
  CHECK(b.write_baseline == "new.json");
  CHECK_FALSE(b.fail_on_given);
  CHECK(parse_command_line({"git", "--fail-on", "low"}).fail_on_given);
}

TEST_CASE("audit --shard K/N and merge") {
  Options o = parse_command_line({"audit", "--shard", "2/3", "repos"});
  CHECK(o.shard_index == 2);
  CHECK(o.shard_count == 3);
  CHECK(parse_command_line({"audit", "--shard=10000/10000"}).shard_count == 10000);
  for (const char* bad : {"0/3", "4/3", "1/0", "3", "a/b", "1/3x", "-1/3", "1/10001", ""})
    CHECK_THROWS_AS(parse_command_line({"audit", "--shard", bad}), FatalError);
  CHECK_THROWS_AS(parse_command_line({"scan", "--shard", "1/2"}), FatalError);
  o = parse_command_line({"merge", "--format", "sarif", "a.jsonl", "-", "b.jsonl"});
  CHECK(o.command == Command::merge);
  CHECK(o.paths == std::vector<std::string>{"a.jsonl", "-", "b.jsonl"});
  CHECK_THROWS_AS(parse_command_line({"merge"}), FatalError);
  CHECK_THROWS_AS(parse_command_line({"merge", "--baseline", "b.json", "a.jsonl"}), FatalError);
  CHECK_THROWS_AS(parse_command_line({"merge", "--verify", "a.jsonl"}), FatalError);
}
