// Parses `dtscan COMMAND [OPTIONS] [PATH...]`. Options may come before or after paths, as `--opt value`
// or `--opt=value`; `--` ends options. Options of later issues (verification, audit) are refused with a
// clear message instead of being silently ignored.
#include "scanner/cli.hpp"

#include "scanner/error.hpp"

#include <fmt/format.h>

#include <charconv>

namespace dtscan {
namespace {

uint64_t parse_number(std::string_view opt, std::string_view v) {
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || v.empty())
    throw FatalError(fmt::format("{} expects a non-negative whole number, got '{}'", opt, v));
  return n;
}

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

} // namespace

std::string usage_text() {
  return R"(usage: dtscan COMMAND [OPTIONS]

Finds leaked Dynatrace credentials and says how dangerous each leak is.

commands:
  scan [PATH...]        scan files and directories (default "."); "-" reads standard input
  staged [--repo DIR]   scan what the next commit would contain (the index), for pre-commit hooks
  git [REPO] [--range A..B]
                        scan every blob in the history of REPO (default "."), or only the blobs
                        that the commits in A..B add or change (pull-request gate)
  rules [--check]       list the built-in rules; --check runs every rule's examples
  version               print the version

options:
  --format FORMAT       text (default), json, jsonl or sarif
  -o, --output FILE     write the report to FILE (atomically) instead of standard output
  --fail-on LEVEL       exit 1 when a finding is at least LEVEL: critical, high (default), medium,
                        low, info, or never
  -j, --threads N       worker threads (default: all cores)
  --exclude GLOB        skip paths matching GLOB (repeatable)
  --max-file-size BYTES skip files larger than BYTES
  --respect-gitignore   skip files that .gitignore files ignore (off by default)
  --rules FILE          load extra rules from FILE (repeatable)
  --baseline FILE       do not report findings recorded in FILE (by fingerprint, rule and path)
  --write-baseline FILE record the current findings in FILE; the exit status is then 0
  --no-decode           do not decode base64 / percent-encoded text
  --show-secrets        print secret values in reports (off by default)
  --quiet               no warnings on standard error
  --no-color            no colours in text output (also: NO_COLOR set)
  -h, --help            this help

A .dtscan.json at the scanned root (the repository root for staged and git) may set "exclude",
"fail_on" and "baseline"; command-line options win.

exit status: 0 no finding at or above --fail-on, 1 at least one, 2 usage or fatal error
)";
}

Options parse_command_line(const std::vector<std::string>& args) {
  Options o;
  if (args.empty()) throw FatalError("missing command; try 'dtscan --help'");
  const std::string& cmd = args[0];
  if (cmd == "scan") {
    o.command = Command::scan;
  } else if (cmd == "rules") {
    o.command = Command::rules;
  } else if (cmd == "version" || cmd == "--version") {
    o.command = Command::version;
  } else if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    o.command = Command::help;
    return o;
  } else if (cmd == "staged") {
    o.command = Command::staged;
  } else if (cmd == "git") {
    o.command = Command::git;
  } else if (cmd == "audit") {
    throw FatalError(fmt::format("'dtscan {}' is not implemented in this version yet", cmd));
  } else {
    throw FatalError(fmt::format("unknown command '{}'; try 'dtscan --help'", cmd));
  }

  bool options_done = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      bool takes_path = o.command == Command::scan || (o.command == Command::git && o.paths.empty() && arg != "-");
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
      o.command = Command::help;
      return o;
    } else if (name == "--format") {
      o.format = parse_format(value());
    } else if (name == "-o" || name == "--output") {
      o.output = value();
      if (o.output.empty()) throw FatalError("--output needs a file name");
    } else if (name == "--fail-on") {
      o.fail_on = parse_fail_on(value());
      o.fail_on_given = true;
    } else if (name == "-j" || name == "--threads") {
      std::string v = value();
      uint64_t n = parse_number(name, v);
      if (n == 0 || n > 1024) throw FatalError(fmt::format("{} expects a number from 1 to 1024, got '{}'", name, v));
      o.threads = static_cast<unsigned>(n);
    } else if (name == "--exclude") {
      o.excludes.push_back(value());
    } else if (name == "--max-file-size") {
      o.max_file_size = parse_number(name, value());
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
    } else if (name == "--respect-gitignore") {
      o.respect_gitignore = flag();
    } else if (name == "--check" && o.command == Command::rules) {
      o.rules_check = flag();
    } else if (name == "--repo" && o.command == Command::staged) {
      o.repo = value();
      if (o.repo.empty()) throw FatalError("--repo needs a directory");
    } else if (name == "--range" && o.command == Command::git) {
      o.range = value();
      if (o.range.empty()) throw FatalError("--range needs A..B");
    } else if (name == "--baseline") {
      o.baseline = value();
      if (o.baseline.empty()) throw FatalError("--baseline needs a file name");
    } else if (name == "--write-baseline") {
      o.write_baseline = value();
      if (o.write_baseline.empty()) throw FatalError("--write-baseline needs a file name");
    } else if (name == "--verify" || name == "--verify-allow-host" || name == "--env-url") {
      throw FatalError(fmt::format("{} is not implemented in this version yet", name));
    } else {
      throw FatalError(fmt::format("unknown option '{}'; try 'dtscan --help'", name));
    }
  }
  if ((o.command == Command::scan || o.command == Command::git) && o.paths.empty()) o.paths.push_back(".");
  return o;
}

} // namespace dtscan
