// Command-line parsing and validation (SPEC §3): argv in, Options out, FatalError on a usage error.
// No I/O happens here, so every option is unit-testable.
#pragma once

#include "scanner/finding.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dtscan {

enum class Command { scan, staged, git, audit, merge, rules, version, help };
enum class Format { text, json, jsonl, sarif };

struct Options {
  Command command = Command::help;
  Command help_topic = Command::help; // help: the command whose help to print (help: the general one)
  std::vector<std::string> paths;     // scan: PATH... (default "."); git: REPO (default "."); merge: REPORT...
  std::string repo;                   // staged: --repo DIR; empty: from the environment (GIT_DIR) or "."
  std::string range;                  // git: --range A..B; empty for the whole history
  unsigned max_depth = 64;            // audit: --max-depth, directories below a root searched for repositories
  unsigned shard_index = 0;           // audit: --shard K/N as K (1-based); 0: no sharding
  unsigned shard_count = 0;           // audit: --shard K/N as N
  std::string state;                  // audit: --state FILE (SQLite); empty: none
  Format format = Format::text;
  std::string output;                               // -o/--output; empty: standard output
  std::optional<Severity> fail_on = Severity::high; // nullopt: never
  bool fail_on_given = false;                       // --fail-on was on the command line (beats .dtscan.json)
  unsigned threads = 0;                             // 0: all cores
  std::vector<std::string> excludes;
  std::optional<uint64_t> max_file_size;
  std::vector<std::string> rule_files;
  std::string baseline;       // --baseline FILE
  std::string write_baseline; // --write-baseline FILE
  bool show_secrets = false;
  bool no_decode = false;
  bool quiet = false;
  bool no_color = false;
  bool progress = false; // the progress line even when stderr is not a terminal
  bool respect_gitignore = false;
  bool no_repo_config = false; // audit: each repository's own .dtscan.json is not read
  bool rules_check = false;
  std::string sarif_root;     // --sarif-root DIR; empty: the current directory
  std::string sarif_category; // --sarif-category NAME; empty: dtscan/<command>
  // --verify (SPEC §7): off unless given; scan, staged, git and audit.
  bool verify = false;
  std::vector<std::string> env_urls;           // --env-url URL (repeatable)
  std::vector<std::string> verify_allow_hosts; // --verify-allow-host HOST[:PORT] (repeatable)
  long verify_timeout_ms = 10000;              // --verify-timeout SECONDS
  long verify_interval_ms = 100;               // --verify-rate N: 1000 / N between request starts
};

Options parse_command_line(const std::vector<std::string>& args); // args excludes argv[0]

std::string usage_text();              // every command (help.cpp)
std::string usage_text(Command topic); // one command's synopsis and options

} // namespace dtscan
