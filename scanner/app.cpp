// The command dispatcher between main() and the pipeline: the only place that knows about stdout,
// stderr, terminals and exit codes.
#include "scanner/app.hpp"

#include "scanner/error.hpp"
#include "scanner/file_scan.hpp"
#include "scanner/output.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/rules_check.hpp"
#include "scanner/scan.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

namespace dtscan {
namespace {

int exit_status(const Report& report, const std::optional<Severity>& fail_on) {
  if (!fail_on) return 0;
  for (size_t s = static_cast<size_t>(*fail_on); s < report.summary.by_severity.size(); ++s)
    if (report.summary.by_severity[s] > 0) return 1;
  return 0;
}

// A PATH argument that does not exist is a usage error (a typo must not pass a CI gate as "clean");
// one that exists but cannot be read is a warning during the scan, as for any other file.
void check_paths_exist(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    struct stat st {};
    if (p != "-" && ::lstat(p.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
      throw FatalError(fmt::format("cannot scan '{}': {}", p, std::strerror(errno)));
  }
}

int run_scan_command(const Options& o) {
  check_paths_exist(o.paths);
  RuleSet rules = load_rules(o.rule_files);
  ScanEngine engine(rules, o.no_decode ? DecodeMode::off : DecodeMode::on,
                    o.show_secrets ? SecretDisplay::shown : SecretDisplay::redacted);
  ScanConfig config;
  config.paths = o.paths;
  config.walk.excludes = o.excludes;
  config.walk.respect_gitignore = o.respect_gitignore;
  config.walk.threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  config.max_file_size = o.max_file_size;

  ReportOutput output(o.output);
  ReportContext ctx;
  ctx.rules = &rules;
  ctx.show_secrets = o.show_secrets;
  ctx.color = o.format == Format::text && !o.no_color && output.is_terminal() && std::getenv("NO_COLOR") == nullptr;

  JsonlWriter jsonl(output.stream(), ctx);
  ScanCallbacks callbacks;
  if (o.format == Format::jsonl) callbacks.on_finding = [&](const Finding& f) { jsonl.finding(f); };
  if (!o.quiet) callbacks.warn = [](const std::string& msg) { std::cerr << msg << '\n'; };

  Report report = run_scan(engine, config, callbacks);
  switch (o.format) {
  case Format::text: write_text(output.stream(), report, ctx); break;
  case Format::json: write_json(output.stream(), report, ctx); break;
  case Format::jsonl: jsonl.finish(report.summary); break;
  case Format::sarif: write_sarif(output.stream(), report, ctx); break;
  }
  output.commit();
  return exit_status(report, o.fail_on);
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
  case Command::help: std::cout << usage_text(); return 0;
  case Command::version: std::cout << "dtscan " << DTSCAN_VERSION << '\n'; return 0;
  case Command::rules: return run_rules_command(o);
  case Command::scan: return run_scan_command(o);
  }
  return 2;
}

} // namespace dtscan
