// The help texts: `dtscan --help` (every command), and `dtscan COMMAND --help` / `dtscan help COMMAND`
// (that command's synopsis, its own options and the options it shares with the others).
#include "scanner/cli.hpp"

#include <fmt/format.h>

namespace dtscan {
namespace {

constexpr const char* k_report_options = R"(report options:
  --format FORMAT       text (default), json, jsonl or sarif
  -o, --output FILE     write the report to FILE (atomically); "-" is standard output. With a FILE, the
                        one-line summary still goes to standard error when that is a terminal
  --fail-on LEVEL       exit 1 when a finding is at least LEVEL: critical, high (default), medium,
                        low, info, or never
  --baseline FILE       do not report findings recorded in FILE (by fingerprint, rule and path)
  --write-baseline FILE record the current findings in FILE; the exit status is then 0
  --show-secrets        print secret values in reports (off by default)
  --sarif-root DIR      SARIF: artifact URIs relative to DIR (default: the current directory, or the
                        work tree for git and staged); files outside it get absolute file:// URIs
  --sarif-category NAME SARIF: runAutomationDetails id NAME/ (default dtscan/<command>, dtscan/git-range
                        for a range), so several uploads keep their own alerts
  --quiet               no warnings and no progress line on standard error
  --progress            a progress line on standard error even when it is not a terminal (on a
                        terminal it is shown anyway for runs longer than a second)
  --no-color            no colours in text output (also: NO_COLOR set and not empty, or TERM=dumb)
)";

constexpr const char* k_scan_options = R"(scanning options:
  -j, --threads N       worker threads, 1 to 1024 (default: all cores)
  --exclude GLOB        skip paths matching GLOB (repeatable)
  --max-file-size SIZE  skip files larger than SIZE: bytes, or with a unit: k/M/G (or kB/MB/GB,
                        powers of 1000) and KiB/MiB/GiB (powers of 1024), e.g. 10MB, 1GiB
  --rules FILE          load extra rules from FILE (repeatable)
  --no-decode           do not decode base64 / percent-encoded text
)";

constexpr const char* k_verify_options = R"(verification options (nothing is sent anywhere without --verify):
  --verify              after the scan, ask each dt0c01 and legacy token's environment whether it is
                        live: POST <environment>/api/v2/apiTokens/lookup with the token. Environments:
                        URLs in the same file or blob, and --env-url. Only https, and only hosts under
                        dynatrace.com or dynatracelabs.com, or named by --env-url / --verify-allow-host
  --env-url URL         also check every token at this environment (repeatable); allows its host
  --verify-allow-host HOST[:PORT]
                        allow this host (repeatable), over https and also over plain http (a local
                        test tenant); with a PORT only that port
  --verify-timeout SECONDS
                        per request (default 10)
  --verify-rate N       start at most N requests a second, across the whole run (default 10)
)";

constexpr const char* k_footer = R"(
A .dtscan.json at the scanned root (the repository root for staged and git; each repository's for
audit, its fail_on aside) may set "exclude", "fail_on" and "baseline"; command-line options win.

exit status: 0 no finding at or above --fail-on, 1 at least one, 2 usage or fatal error
)";

std::string command_help(std::string_view synopsis, std::string_view what, std::string_view own_options,
                         bool scanning) {
  std::string text = fmt::format("usage: dtscan {}\n\n{}\n", synopsis, what);
  if (!own_options.empty()) text += fmt::format("\n{}", own_options);
  if (scanning) text += fmt::format("\n{}\n{}\n{}{}", k_scan_options, k_report_options, k_verify_options, k_footer);
  return text;
}

// audit takes the scanning, report and verification options but not --write-baseline.
std::string audit_shared_options() {
  std::string report = k_report_options;
  const std::string_view drop = "  --write-baseline FILE";
  if (const size_t at = report.find(drop); at != std::string::npos) report.erase(at, report.find('\n', at) + 1 - at);
  return fmt::format("\n{}\n{}\n{}{}", k_scan_options, report, k_verify_options, k_footer);
}

} // namespace

std::string usage_text() {
  return fmt::format(R"(usage: dtscan COMMAND [OPTIONS]

Finds leaked Dynatrace credentials and says how dangerous each leak is.

commands:
  scan [PATH...]        scan files and directories (default "."); "-" reads standard input
  staged [PATH...]      scan what the next commit would contain (the index), for pre-commit hooks
  git [REPO] [--range A..B]
                        scan every blob in the history of REPO (default "."), or only the blobs
                        that the commits in A..B add or change (pull-request gate)
  audit [ROOT...]       every git repository under the ROOTs (default "."): history and work tree,
                        in parallel, with a per-repository table, worst first
  merge REPORT...       combine jsonl reports (audit --shard K/N on several machines) into one
  rules [--check]       list the built-in rules; --check runs every rule's examples
  version               print the version
  help [COMMAND]        this help, or one command's

'dtscan COMMAND --help' shows one command's options.

{}
{}
{}
  -h, --help            this help
{})",
                     k_scan_options, k_report_options, k_verify_options, k_footer);
}

std::string usage_text(Command topic) {
  switch (topic) {
  case Command::scan:
    return command_help("scan [OPTIONS] [PATH...]",
                        "Scans files and directories (default \".\"); \"-\" reads standard input. Paths in the\n"
                        "report are as named (scan src reports src/app.env). Binary files are skipped unless named,\n"
                        "symbolic links are not followed, .git is not walked.",
                        "scan options:\n  --respect-gitignore   skip files that .gitignore files ignore (off by "
                        "default: leaked\n                        .env files are usually ignored)\n",
                        true);
  case Command::staged:
    return command_help("staged [OPTIONS] [--repo DIR] [PATH...]",
                        "Scans what the next commit would contain: the index's blobs of added, copied, modified\n"
                        "and renamed paths, never the working tree. Meant for pre-commit hooks. With PATHs (as\n"
                        "the pre-commit framework passes them), the index's blobs of those files and directories,\n"
                        "changed or not: `pre-commit run --all-files` then scans every tracked file.",
                        "staged options:\n  --repo DIR            the repository (default: GIT_DIR, or the "
                        "current directory)\n",
                        true);
  case Command::git:
    return command_help("git [OPTIONS] [REPO] [--range A..B]",
                        "Scans every blob reachable from any ref of REPO (default \".\") once, naming the commit\n"
                        "that introduced each finding; with --range, only blobs the commits in A..B add or change.",
                        "git options:\n  --range A..B          only what the commits in A..B introduce (the "
                        "pull-request gate)\n",
                        true);
  case Command::audit:
    return command_help(
               "audit [OPTIONS] [ROOT...]",
               "Finds every git repository under the ROOTs (working trees and bare repositories; symbolic\n"
               "links are not followed) and scans each one's full history and its uncommitted and\n"
               "untracked files, repositories in parallel. Each finding names its repository, its commit\n"
               "and whether the secret is still in HEAD (in_head); the text report ends with a table\n"
               "of repositories, worst first. Ctrl-C stops cleanly: what is written is complete and the\n"
               "summary says the audit was interrupted (exit status 130).",
               "audit options:\n  --max-depth N         directories below a ROOT searched for repositories "
               "(default 64)\n  --respect-gitignore   do not scan ignored files of the work trees\n"
               "  --no-repo-config      do not read each repository's own .dtscan.json (its excludes and\n"
               "                        baseline would otherwise apply to it)\n"
               "  --shard K/N           audit only the K-th of N parts of the repositories (a stable hash\n"
               "                        of each one's name); combine the jsonl reports with dtscan merge\n"
               "  --state FILE          keep the audit in FILE (SQLite): an interrupted audit resumes, a later\n"
               "                        one scans only commits and blobs not scanned before (plus the work\n"
               "                        trees); findings say \"state\": \"new\" or \"known\"\n",
               false) +
           audit_shared_options();
  case Command::merge:
    return command_help(
        "merge [OPTIONS] REPORT...",
        "Combines jsonl reports (dtscan audit --format jsonl, one per shard of --shard K/N, or of one\n"
        "command) into one report in any format: findings in report order, counts added, one table of\n"
        "repositories worst first; N shards give the report one machine would have written. Every\n"
        "shard must be there exactly once and no repository in two reports; a malformed report, or\n"
        "one without its summary line (its audit was killed), stops the merge before anything is written.\n"
        "\"-\" reads a report from standard input.",
        "merge options:\n  --format FORMAT       text (default), json, jsonl or sarif\n"
        "  -o, --output FILE     write the report to FILE (atomically); \"-\" is standard output\n"
        "  --fail-on LEVEL       exit 1 when a finding is at least LEVEL (default high), or never\n"
        "  --show-secrets        keep secret values the reports hold (written with --show-secrets)\n"
        "  --sarif-root DIR      SARIF: the audited root, which report paths are relative to and artifact\n"
        "                        URIs are relative to (default: the current directory)\n"
        "  --sarif-category NAME SARIF: runAutomationDetails id NAME/ (default dtscan/audit)\n"
        "  --rules FILE          extra rules the audits used, for SARIF rule descriptions (repeatable)\n"
        "  --quiet               no warnings on standard error\n"
        "  --no-color            no colours in text output\n\n"
        "exit status: 0 no finding at or above --fail-on, 1 at least one, 2 usage or fatal error,\n"
        "130 a merged audit was interrupted\n",
        false);
  case Command::rules:
    return command_help("rules [--check] [--rules FILE]", "Lists the built-in rules (and those of --rules files).",
                        "rules options:\n  --check               run every rule's examples and negative examples "
                        "through the\n                        matcher and classifier; exit 1 on a mismatch\n"
                        "  --rules FILE          load extra rules from FILE (repeatable)\n",
                        false);
  case Command::version: return command_help("version", "Prints the version.", "", false);
  case Command::help: break;
  }
  return usage_text();
}

} // namespace dtscan
