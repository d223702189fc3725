// The command dispatcher between main() and the pipeline: the only place that knows about stdout,
// stderr, terminals and exit codes.
#include "scanner/app.hpp"

#include "scanner/audit.hpp"
#include "scanner/merge.hpp"

#include "scanner/baseline.hpp"
#include "scanner/command_common.hpp"
#include "scanner/config.hpp"
#include "scanner/error.hpp"
#include "scanner/file_scan.hpp"
#include "scanner/git_scan.hpp"
#include "scanner/message_redact.hpp"
#include "scanner/output.hpp"
#include "scanner/printable.hpp"
#include "scanner/progress.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/rules_check.hpp"
#include "scanner/scan.hpp"
#include "scanner/sources/git_history.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/git_staged.hpp"
#include "scanner/verify/environments.hpp"
#include "scanner/verify/verifier.hpp"
#include "scanner/wipe.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

namespace dtscan {
namespace {

// A PATH argument that does not exist is a usage error (a typo must not pass a CI gate as "clean");
// one that exists but cannot be read is a warning during the scan, as for any other file.
void check_paths_exist(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    struct stat st {};
    if (p != "-" && ::lstat(p.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
      throw FatalError(fmt::format("cannot scan '{}': {}", p, std::strerror(errno)));
  }
}

// Folds `.dtscan.json` at the scanned root (if any) into the options; command-line options win.
Options with_project_config(Options o, const std::string& root) {
  if (root.empty()) return o;
  std::optional<ProjectConfig> config = load_project_config(root);
  if (!config) return o;
  o.excludes.insert(o.excludes.end(), config->exclude.begin(), config->exclude.end());
  if (config->fail_on && !o.fail_on_given) o.fail_on = *config->fail_on;
  if (config->baseline && o.baseline.empty()) o.baseline = *config->baseline;
  return o;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

unsigned thread_count(const Options& o) {
  return o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
}

std::string default_sarif_category(const Options& o) {
  switch (o.command) {
  case Command::staged: return "dtscan/staged";
  case Command::git: return o.range.empty() ? "dtscan/git" : "dtscan/git-range";
  default: return "dtscan/scan";
  }
}

// --verify after the scan: checks the tokens, then recounts severities (verification changes them).
// Progress goes to a terminal stderr.
void verify_report(const Options& o, Report& report) {
  const bool show = !o.quiet && ::isatty(STDERR_FILENO) == 1;
  VerifyProgress progress;
  if (show)
    progress = [](size_t done, size_t total) {
      std::cerr << fmt::format("\rdtscan: verifying tokens: {}/{}", done, total) << (done == total ? "\n" : "")
                << std::flush;
    };
  verify_findings(report.findings, verify_options(o), progress);
  recount_severities(report.summary, report.findings);
}

// What every command shares around its source: rules, engine, baseline, the report writers, the optional
// baseline file and the exit status. `scan` fills the collector (which has `slots` slots).
// `path_base`: the directory relative report paths are relative to ("" for the current one).
int run_with_report(const Options& o, size_t slots, const std::string& path_base,
                    const std::function<void(const ScanEngine&, ResultCollector&)>& scan) {
  RuleSet rules = load_rules(o.rule_files);
  std::optional<Baseline> baseline;
  if (!o.baseline.empty()) baseline = Baseline::load(o.baseline);
  ScanEngine engine(rules, o.no_decode ? DecodeMode::off : DecodeMode::on,
                    o.show_secrets ? SecretDisplay::shown : SecretDisplay::redacted);

  std::optional<EnvironmentUrls> verify_urls;
  if (o.verify) engine.verify = &verify_urls.emplace(rules.classification);

  ReportOutput output(o.output);
  ReportContext ctx = report_context(o, rules, output.is_terminal());
  if (o.format == Format::sarif) {
    ctx.sarif_category = o.sarif_category.empty() ? default_sarif_category(o) : o.sarif_category;
    ctx.sarif_base = absolute_dir(path_base);
    // git and staged report repository paths, so by default their root is the work tree.
    const bool repo_paths = o.command == Command::git || o.command == Command::staged;
    ctx.sarif_root = absolute_dir(o.sarif_root.empty() && repo_paths ? path_base : o.sarif_root);
  }

  JsonlWriter jsonl(output.stream(), ctx);
  ScanCallbacks callbacks;
  // Warnings and streamed findings go through the progress meter (once it exists) so that they are not
  // printed over its line. Under --verify, jsonl findings are written after verification, which can
  // change them.
  std::optional<ProgressMeter> meter;
  auto printed = [&meter](const std::function<void()>& write) { meter ? meter->around_output(write) : write(); };
  if (o.format == Format::jsonl && !o.verify)
    callbacks.on_finding = [&](const Finding& f) { printed([&] { jsonl.finding(f); }); };
  if (!o.quiet)
    callbacks.warn = [&](const std::string& msg) { printed([&] { std::cerr << redact_message(msg) << '\n'; }); };

  ResultCollector collector(slots, callbacks, baseline ? &*baseline : nullptr);
  // On a terminal, or with --progress; never with --quiet.
  const bool stderr_tty = ::isatty(STDERR_FILENO) == 1;
  if (!o.quiet && (stderr_tty || o.progress))
    meter.emplace(collector.progress(), std::cerr,
                  stderr_tty ? ProgressMeter::Style::in_place : ProgressMeter::Style::lines);
  scan(engine, collector);
  if (meter) meter->stop();
  std::vector<Finding> baselined;
  Report report = collector.finish(&baselined);
  if (o.verify) {
    for (auto& f : baselined)
      wipe(f.verify_secret);
    verify_report(o, report);
    if (o.format == Format::jsonl)
      for (const auto& f : report.findings)
        jsonl.finding(f);
  }
  if (!o.write_baseline.empty()) {
    baselined.insert(baselined.end(), report.findings.begin(), report.findings.end());
    Baseline::from_findings(baselined).write(o.write_baseline);
  }
  switch (o.format) {
  case Format::text: write_text(output.stream(), report, ctx); break;
  case Format::json: write_json(output.stream(), report, ctx); break;
  case Format::jsonl: jsonl.finish(report.summary); break;
  case Format::sarif: write_sarif(output.stream(), report, ctx); break;
  }
  output.commit();
  // A report written to a file leaves the terminal silent otherwise: say what it holds, on stderr.
  if (!o.output.empty() && !o.quiet && ::isatty(STDERR_FILENO) == 1) std::cerr << summary_line(report);
  // Writing a baseline accepts the current findings: the run that records them does not fail.
  return o.write_baseline.empty() ? exit_status(report, o.fail_on) : 0;
}

int run_scan_command(const Options& cli) {
  check_paths_exist(cli.paths);
  const bool one_dir = cli.paths.size() == 1 && is_directory(cli.paths[0]);
  const Options o = with_project_config(cli, one_dir ? cli.paths[0] : std::string());
  ScanConfig config;
  config.paths = o.paths;
  config.walk.excludes = o.excludes;
  config.walk.respect_gitignore = o.respect_gitignore;
  config.walk.threads = thread_count(o);
  config.max_file_size = o.max_file_size;
  return run_with_report(
      o, config.walk.threads + 1, std::string(), // paths as named: relative to the current directory
      [&](const ScanEngine& engine, ResultCollector& collector) { run_scan(engine, config, collector); });
}

void notice(const Options& o, const std::string& message) {
  if (!o.quiet) std::cerr << "dtscan: " << redact_message(message) << '\n';
}

// `staged PATH...`: each PATH (relative to the current directory) as a path in the work tree, "" for
// the whole tree. A PATH outside the work tree is a usage error.
std::vector<std::string> repository_paths(const std::vector<std::string>& paths, const std::string& work_tree) {
  namespace fs = std::filesystem;
  // Symbolic links resolved in the directories only (a tracked link is named as itself), on both sides.
  auto resolved = [](const fs::path& path, std::error_code& ec) {
    fs::path abs = fs::absolute(path, ec).lexically_normal();
    if (ec) return abs;
    if (!abs.has_filename()) return fs::weakly_canonical(abs, ec);
    return fs::weakly_canonical(abs.parent_path(), ec) / abs.filename();
  };
  std::error_code root_ec;
  const fs::path root = resolved(work_tree.empty() ? "." : work_tree, root_ec);
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::path abs = resolved(p, ec);
    std::string rel = ec ? std::string("..") : abs.lexically_relative(root).generic_string();
    if (rel == ".") rel.clear();
    if (rel == ".." || rel.starts_with("../"))
      throw FatalError(fmt::format("'{}' is outside the repository's work tree {}", printable(p), root.string()));
    if (!rel.empty() && rel.back() == '/') rel.pop_back();
    out.push_back(rel);
  }
  return out;
}

int run_git_command(const Options& cli) {
  GitLibrary library;
  GitRepository repo = cli.command == Command::git ? open_repository(cli.paths[0])
                       : cli.repo.empty()          ? open_repository_from_environment()
                                                   : open_repository(cli.repo);
  if (cli.command == Command::git) check_loose_objects(repo.get()); // staged reads only index blobs
  const std::string work_tree = work_tree_root(repo.get());
  const Options o = with_project_config(cli, work_tree);
  const ExcludeSet excludes(o.excludes);
  BlobScanConfig config;
  config.threads = thread_count(o);
  config.max_blob_size = o.max_file_size;

  if (o.command == Command::staged) {
    StagedBlobs staged = o.paths.empty() ? staged_blobs(repo.get(), excludes)
                                         : indexed_blobs(repo.get(), excludes, repository_paths(o.paths, work_tree));
    for (const std::string& path : staged.not_in_index)
      notice(o, fmt::format("warning: '{}' is not in the index (untracked?): not scanned", printable(path)));
    if (staged.jobs.empty())
      notice(o, o.paths.empty() ? "nothing staged to scan" : "nothing to scan in the named paths");
    // A pre-commit hook usually stages a few files: threads would cost more than they save.
    config.threads = static_cast<unsigned>(std::min<size_t>(config.threads, staged.jobs.size() / 8 + 1));
    return run_with_report(o, config.threads + 1, work_tree, [&](const ScanEngine& engine, ResultCollector& collector) {
      collector.skipped(config.threads, staged.excluded + staged.not_files);
      scan_blobs(
          engine, repo.get(), config,
          [&](const BlobSink& sink) {
            for (auto& job : staged.jobs)
              sink(std::move(job));
          },
          collector);
    });
  }
  return run_with_report(o, config.threads + 1, work_tree, [&](const ScanEngine& engine, ResultCollector& collector) {
    HistoryStats stats;
    scan_blobs(
        engine, repo.get(), config,
        [&](const BlobSink& sink) {
          stats =
              history_blobs(repo.get(), o.range, excludes, sink, [&](const std::string& msg) { collector.warn(msg); });
        },
        collector);
    collector.skipped(config.threads, stats.excluded);
    collector.add_errors(config.threads, stats.errors);
    if (stats.commits == 0)
      notice(o, o.range.empty() ? "nothing to scan: the repository has no commits"
                                : fmt::format("nothing to scan: no commits in {}", o.range));
  });
}

int run_rules_command(const Options& o) {
  RuleSet rules = load_rules(o.rule_files);
  if (!o.rules_check) {
    list_rules(rules, std::cout);
    return 0;
  }
  return check_rule_examples(rules, std::cout) == 0 ? 0 : 1;
}

} // namespace

int run(const Options& o) {
  switch (o.command) {
  case Command::help: std::cout << usage_text(o.help_topic); return 0;
  case Command::version: std::cout << "dtscan " << DTSCAN_VERSION << '\n'; return 0;
  case Command::rules: return run_rules_command(o);
  case Command::scan: return run_scan_command(o);
  case Command::staged:
  case Command::git: return run_git_command(o);
  case Command::audit: return run_audit_command(o);
  case Command::merge: return run_merge_command(o);
  }
  return 2;
}

} // namespace dtscan
