// Parses `dtscan COMMAND [OPTIONS] [PATH...]`. Options may come before or after paths, as `--opt value`
// or `--opt=value`; `--` ends options. Options of later issues (verification, audit) are refused with a
// clear message instead of being silently ignored; a mistyped option or command gets the nearest name.
#include "scanner/cli.hpp"

#include "scanner/error.hpp"
#include "scanner/verify/endpoint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <vector>

namespace dtscan {
namespace {

Format parse_format(std::string_view v) {
  if (v == "text") return Format::text;
  if (v == "json") return Format::json;
  if (v == "jsonl") return Format::jsonl;
  if (v == "sarif") return Format::sarif;
  throw FatalError(fmt::format("--format expects text, json, jsonl or sarif, got '{}'", v));
}

std::optional<Severity> parse_fail_on(std::string_view v) {
  if (v == "never") return std::nullopt;
  if (auto s = parse_severity(v)) return s;
  throw FatalError(fmt::format("--fail-on expects critical, high, medium, low, info or never, got '{}'", v));
}

// Every option name, for "did you mean": the nearest one by edit distance, if it is close enough.
// clang-format off
constexpr std::string_view k_option_names[] = {
    "--format",         "--output",      "--fail-on",   "--threads",           "--exclude",
    "--max-file-size",  "--rules",       "--baseline",  "--write-baseline",    "--show-secrets",
    "--no-decode",      "--quiet",       "--no-color",  "--respect-gitignore", "--check",
    "--repo",           "--range",       "--help",      "--sarif-root",        "--sarif-category",
    "--progress",       "--max-depth",   "--verify",    "--env-url",           "--verify-allow-host",
    "--verify-timeout", "--verify-rate", "--shard",     "--state",             "--no-repo-config"};
// clang-format on
// The options only one command takes, for "--range is an option of git, not of scan".
struct OwnedOption {
  std::string_view option, command;
};
constexpr OwnedOption k_owned_options[] = {{"--check", "rules"}, {"--repo", "staged"}, {"--max-depth", "audit"},
                                           {"--shard", "audit"}, {"--state", "audit"}, {"--no-repo-config", "audit"},
                                           {"--range", "git"}};
constexpr std::string_view k_command_names[] = {"scan", "staged", "git", "audit", "merge", "rules", "version", "help"};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "; did you mean X?" for the nearest of `names` within a third of the word's length, else "".
template <size_t N> std::string suggestion(std::string_view word, const std::string_view (&names)[N]) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view name : names) {
    size_t d = edit_distance(word, name);
    if (d < best_distance) best_distance = d, best = name;
  }
  return best.empty() ? std::string() : fmt::format("; did you mean '{}'?", best);
}

Command parse_command(std::string_view cmd) {
  if (cmd == "scan") return Command::scan;
  if (cmd == "rules") return Command::rules;
  if (cmd == "version" || cmd == "--version") return Command::version;
  if (cmd == "help" || cmd == "--help" || cmd == "-h") return Command::help;
  if (cmd == "staged") return Command::staged;
  if (cmd == "git") return Command::git;
  if (cmd == "audit") return Command::audit;
  if (cmd == "merge") return Command::merge;
  if (cmd.size() > 1 && cmd[0] == '-') { // an option before the command, or a mistyped --version
    constexpr std::string_view top[] = {"--version", "--help"};
    if (std::string hint = suggestion(cmd, top); !hint.empty())
      throw FatalError(fmt::format("unknown option '{}'{}", cmd, hint));
    std::string hint = suggestion(cmd, k_option_names);
    throw FatalError(fmt::format("unknown command '{}': options come after the command (dtscan scan [OPTIONS] "
                                 "PATH...){}",
                                 cmd, hint));
  }
  std::string hint = suggestion(cmd, k_command_names);
  throw FatalError(fmt::format("unknown command '{}'{}", cmd, hint.empty() ? "; try 'dtscan --help'" : hint));
}

// SIZE: bytes, or a number with a unit: k/K/kB, M/MB, G/GB, T/TB (powers of 1000, as `du --si` and
// gitleaks' megabytes), KiB/MiB/GiB/TiB (powers of 1024). Case-insensitive units, no fractions.
uint64_t parse_size(std::string_view opt, std::string_view v) {
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9')
    ++digits;
  auto bad = [&]() {
    return FatalError(
        fmt::format("{} expects a size in bytes, optionally with a unit (10MB, 512k, 1GiB), got '{}'", opt, v));
  };
  if (digits == 0) throw bad();
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + digits, n);
  if (ec != std::errc()) throw bad();
  std::string unit;
  for (char c : v.substr(digits))
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<std::string_view, uint64_t> k_units[] = {{"", 1},
                                                                  {"b", 1},
                                                                  {"k", 1000},
                                                                  {"kb", 1000},
                                                                  {"m", 1000000},
                                                                  {"mb", 1000000},
                                                                  {"g", 1000000000},
                                                                  {"gb", 1000000000},
                                                                  {"t", 1000000000000},
                                                                  {"tb", 1000000000000},
                                                                  {"kib", 1ull << 10},
                                                                  {"mib", 1ull << 20},
                                                                  {"gib", 1ull << 30},
                                                                  {"tib", 1ull << 40}};
  for (auto [name, factor] : k_units) {
    if (unit != name) continue;
    if (n > UINT64_MAX / factor) throw bad();
    return n * factor;
  }
  throw bad();
}

// --shard K/N: this machine audits the K-th of N parts (1 <= K <= N <= 10000) of the repositories.
void parse_shard(std::string_view v, Options& o) {
  auto bad = [&]() { return FatalError(fmt::format("--shard expects K/N with 1 <= K <= N <= 10000, got '{}'", v)); };
  const size_t slash = v.find('/');
  if (slash == std::string_view::npos) throw bad();
  auto number = [&](std::string_view part) {
    unsigned n = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size()) throw bad();
    return n;
  };
  const unsigned k = number(v.substr(0, slash)), n = number(v.substr(slash + 1));
  if (k < 1 || k > n || n > 10000) throw bad();
  o.shard_index = k;
  o.shard_count = n;
}

} // namespace

Options parse_command_line(const std::vector<std::string>& args) {
  Options o;
  if (args.empty()) throw FatalError("missing command; try 'dtscan --help'");
  o.command = parse_command(args[0]);
  if (o.command == Command::help) {
    // `dtscan help [COMMAND]`
    if (args.size() > 2) throw FatalError("help takes at most one command");
    if (args.size() == 2) o.help_topic = parse_command(args[1]);
    return o;
  }

  bool options_done = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      bool takes_path = o.command == Command::scan ||
                        ((o.command == Command::staged || o.command == Command::audit) && arg != "-") ||
                        o.command == Command::merge || (o.command == Command::git && o.paths.empty() && arg != "-");
      if (!takes_path) throw FatalError(fmt::format("unexpected argument '{}'", arg));
      o.paths.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string name = arg, inline_value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
        has_inline = true;
      }
    } else if (arg.size() > 2 && (arg.rfind("-j", 0) == 0 || arg.rfind("-o", 0) == 0)) {
      name = arg.substr(0, 2);
      inline_value = arg.substr(2);
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= args.size()) throw FatalError(fmt::format("{} needs a value", name));
      return args[++i];
    };
    auto flag = [&]() {
      if (has_inline) throw FatalError(fmt::format("{} takes no value", name));
      return true;
    };
    if (name == "-h" || name == "--help") {
      o.help_topic = o.command;
      o.command = Command::help;
      return o;
    } else if (name == "--format") {
      o.format = parse_format(value());
    } else if (name == "-o" || name == "--output") {
      o.output = value();
      if (o.output.empty()) throw FatalError("--output needs a file name (or - for standard output)");
      if (o.output == "-") o.output.clear(); // standard output, as for most Unix tools
    } else if (name == "--fail-on") {
      o.fail_on = parse_fail_on(value());
      o.fail_on_given = true;
    } else if (name == "-j" || name == "--threads") {
      std::string v = value();
      uint64_t n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n == 0 || n > 1024)
        throw FatalError(fmt::format("{} expects a number of threads from 1 to 1024, got '{}'", name, v));
      o.threads = static_cast<unsigned>(n);
    } else if (name == "--exclude") {
      o.excludes.push_back(value());
    } else if (name == "--max-file-size") {
      o.max_file_size = parse_size(name, value());
    } else if (name == "--rules") {
      o.rule_files.push_back(value());
    } else if (name == "--show-secrets") {
      o.show_secrets = flag();
    } else if (name == "--no-decode") {
      o.no_decode = flag();
    } else if (name == "--quiet" || name == "-q") {
      o.quiet = flag();
    } else if (name == "--no-color") {
      o.no_color = flag();
    } else if (name == "--progress") {
      o.progress = flag();
    } else if (name == "--respect-gitignore") {
      o.respect_gitignore = flag();
    } else if (name == "--check" && o.command == Command::rules) {
      o.rules_check = flag();
    } else if (name == "--repo" && o.command == Command::staged) {
      o.repo = value();
      if (o.repo.empty()) throw FatalError("--repo needs a directory");
    } else if (name == "--max-depth" && o.command == Command::audit) {
      std::string v = value();
      uint64_t n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n > 4096)
        throw FatalError(fmt::format("--max-depth expects a number of directories from 0 to 4096, got '{}'", v));
      o.max_depth = static_cast<unsigned>(n);
    } else if (name == "--shard" && o.command == Command::audit) {
      parse_shard(value(), o);
    } else if (name == "--state" && o.command == Command::audit) {
      o.state = value();
      if (o.state.empty()) throw FatalError("--state needs a file name");
    } else if (name == "--no-repo-config" && o.command == Command::audit) {
      o.no_repo_config = flag();
    } else if (name == "--range" && o.command == Command::git) {
      o.range = value();
      if (o.range.empty()) throw FatalError("--range needs A..B");
    } else if (name == "--baseline") {
      o.baseline = value();
      if (o.baseline.empty()) throw FatalError("--baseline needs a file name");
    } else if (name == "--write-baseline") {
      o.write_baseline = value();
      if (o.write_baseline.empty()) throw FatalError("--write-baseline needs a file name");
    } else if (name == "--sarif-root") {
      o.sarif_root = value();
      if (o.sarif_root.empty()) throw FatalError("--sarif-root needs a directory");
    } else if (name == "--sarif-category") {
      o.sarif_category = value();
      if (o.sarif_category.empty()) throw FatalError("--sarif-category needs a name");
    } else if (name == "--verify") {
      o.verify = flag();
    } else if (name == "--env-url") {
      std::string v = value();
      if (!environment_base(v) || v.find("://") == std::string::npos)
        throw FatalError(fmt::format("--env-url expects an http(s) environment URL, got '{}'", v));
      o.env_urls.push_back(v);
    } else if (name == "--verify-allow-host") {
      std::string v = value();
      if (!parse_allowed_host(v))
        throw FatalError(fmt::format("--verify-allow-host expects HOST or HOST:PORT, got '{}'", v));
      o.verify_allow_hosts.push_back(v);
    } else if (name == "--verify-timeout") {
      std::string v = value();
      char* end = nullptr;
      double seconds = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !(seconds > 0) || seconds > 600)
        throw FatalError(fmt::format("--verify-timeout expects seconds, more than 0 and at most 600, got '{}'", v));
      o.verify_timeout_ms = std::max(1L, static_cast<long>(seconds * 1000));
    } else if (name == "--verify-rate") {
      std::string v = value();
      char* end = nullptr;
      double per_second = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !(per_second >= 0.01) || per_second > 1000)
        throw FatalError(fmt::format("--verify-rate expects requests a second, from 0.01 to 1000, got '{}'", v));
      o.verify_interval_ms = std::max(1L, static_cast<long>(1000 / per_second));
    } else {
      for (const OwnedOption& owned : k_owned_options)
        if (name == owned.option)
          throw FatalError(
              fmt::format("{} is an option of 'dtscan {}', not of 'dtscan {}'", name, owned.command, args[0]));
      std::string hint = suggestion(name, k_option_names);
      throw FatalError(fmt::format("unknown option '{}'{}", name,
                                   hint.empty() ? fmt::format("; try 'dtscan {} --help'", args[0]) : hint));
    }
  }
  if ((o.command == Command::scan || o.command == Command::git || o.command == Command::audit) && o.paths.empty())
    o.paths.push_back(".");
  if (!o.state.empty() && o.show_secrets)
    throw FatalError("--state never stores secret values, so it cannot be combined with --show-secrets");
  if (o.command == Command::merge) {
    if (o.paths.empty()) throw FatalError("merge needs one or more jsonl reports (dtscan audit --format jsonl)");
    if (!o.baseline.empty() || !o.write_baseline.empty() || !o.excludes.empty() || o.no_decode || o.max_file_size ||
        o.respect_gitignore || o.threads)
      throw FatalError("merge takes only report options (--format, -o, --fail-on, --show-secrets, --sarif-root, "
                       "--sarif-category, --rules for SARIF rule descriptions)");
  }
  if (!o.verify && (!o.env_urls.empty() || !o.verify_allow_hosts.empty()))
    throw FatalError(
        fmt::format("{} only has an effect with --verify", o.env_urls.empty() ? "--verify-allow-host" : "--env-url"));
  if (o.verify && (o.command == Command::rules || o.command == Command::merge))
    throw FatalError("--verify applies to scan, staged, git and audit");
  if (o.verify && !o.state.empty()) // recorded findings hold no secret, and results are never written to disk
    throw FatalError("--verify cannot be combined with --state: verification results are never stored, and the "
                     "findings an earlier audit recorded hold no secret to check");
  return o;
}

} // namespace dtscan
