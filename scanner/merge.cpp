// The merge runner: read every input whole (a malformed one stops the merge before anything is
// written), check the shards, combine, write like audit does.
#include "scanner/merge.hpp"

#include "scanner/command_common.hpp"
#include "scanner/error.hpp"
#include "scanner/output.hpp"
#include "scanner/printable.hpp"
#include "scanner/report/jsonl_read.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/results.hpp"
#include "scanner/rules.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

namespace dtscan {
namespace {

Report read_input(const std::string& path, bool keep_secrets) {
  if (path == "-") return read_jsonl_report(std::cin, "standard input", keep_secrets);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FatalError(fmt::format("cannot read report '{}': {}", printable(path), std::strerror(errno)));
  return read_jsonl_report(in, path, keep_secrets);
}

// Every shard 1..N exactly once, all with the same N; or no shards at all.
void check_shards(const std::vector<std::string>& paths, const std::vector<Report>& inputs) {
  std::map<unsigned, std::string> seen; // K -> the input that has it
  unsigned count = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& audit = inputs[i].summary.audit;
    const std::optional<ShardId> shard = audit ? audit->shard : std::nullopt;
    if (!shard) {
      if (!seen.empty())
        throw FatalError(fmt::format("'{}' is not a shard, the other reports are", printable(paths[i])));
      continue;
    }
    if (i > 0 && seen.empty())
      throw FatalError(fmt::format("'{}' is shard {}/{}, the reports before it are not shards", printable(paths[i]),
                                   shard->index, shard->count));
    if (count && shard->count != count)
      throw FatalError(fmt::format("'{}' is shard {}/{}, the other reports are of {} shards", printable(paths[i]),
                                   shard->index, shard->count, count));
    count = shard->count;
    if (auto [it, fresh] = seen.emplace(shard->index, paths[i]); !fresh)
      throw FatalError(fmt::format("shard {}/{} is given twice: '{}' and '{}'", shard->index, count,
                                   printable(it->second), printable(paths[i])));
  }
  if (seen.empty()) return;
  std::vector<std::string> missing;
  for (unsigned k = 1; k <= count; ++k)
    if (!seen.count(k)) missing.push_back(fmt::format("{}/{}", k, count));
  if (!missing.empty())
    throw FatalError(fmt::format("shard{} {} missing: the merged report would leave out repositories",
                                 missing.size() == 1 ? "" : "s", fmt::join(missing, ", ")));
}

Report combine(const std::vector<std::string>& paths, std::vector<Report>& inputs) {
  Report out;
  const bool audit = inputs.front().summary.audit.has_value();
  if (audit) out.summary.audit.emplace();
  std::set<std::string> repositories;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Report& in = inputs[i];
    if (in.summary.audit.has_value() != audit)
      throw FatalError(fmt::format("'{}' is {}an audit report, '{}' is{}: they cannot be merged", printable(paths[i]),
                                   audit ? "not " : "", printable(paths[0]), audit ? "" : " not"));
    Summary& s = out.summary;
    add_summary(s, in.summary);
    if (audit) {
      for (RepositorySummary& row : in.summary.audit->repositories) {
        if (!repositories.insert(row.repository).second)
          throw FatalError(fmt::format("repository '{}' is in more than one report ('{}' is one)",
                                       printable(row.repository), printable(paths[i])));
        s.audit->repositories.push_back(std::move(row));
      }
      s.audit->interrupted = s.audit->interrupted || in.summary.audit->interrupted;
    }
    std::move(in.findings.begin(), in.findings.end(), std::back_inserter(out.findings));
    in.findings.clear();
  }
  if (audit)
    std::sort(out.summary.audit->repositories.begin(), out.summary.audit->repositories.end(), repository_rank_less);
  std::sort(out.findings.begin(), out.findings.end(), finding_less);
  return out;
}

} // namespace

int run_merge_command(const Options& o) {
  if (std::count(o.paths.begin(), o.paths.end(), "-") > 1) throw FatalError("merge reads standard input ('-') once");
  std::vector<Report> inputs;
  for (const std::string& path : o.paths)
    inputs.push_back(read_input(path, o.show_secrets));
  check_shards(o.paths, inputs);
  Report report = combine(o.paths, inputs);

  RuleSet rules = load_rules(o.rule_files);
  ReportOutput output(o.output);
  ReportContext ctx = report_context(o, rules, output.is_terminal());
  if (o.format == Format::sarif) {
    // Report paths (repository/path) are relative to the audited root, which the reports do not name:
    // --sarif-root says where it is (as audit with one root does by itself), else the current directory.
    ctx.sarif_category =
        o.sarif_category.empty() ? (report.summary.audit ? "dtscan/audit" : "dtscan/merge") : o.sarif_category;
    ctx.sarif_base = absolute_dir(o.sarif_root);
    ctx.sarif_root = ctx.sarif_base;
  }
  switch (o.format) {
  case Format::text: write_text(output.stream(), report, ctx); break;
  case Format::json: write_json(output.stream(), report, ctx); break;
  case Format::jsonl: {
    JsonlWriter jsonl(output.stream(), ctx);
    for (const Finding& f : report.findings)
      jsonl.finding(f);
    jsonl.finish(report.summary);
    break;
  }
  case Format::sarif: write_sarif(output.stream(), report, ctx); break;
  }
  output.commit();
  if (!o.output.empty() && !o.quiet && ::isatty(STDERR_FILENO) == 1) std::cerr << summary_line(report);
  if (report.summary.audit && report.summary.audit->interrupted) {
    if (!o.quiet) std::cerr << "dtscan: interrupted: one of the merged audits was interrupted; its report is partial\n";
    return 130;
  }
  return exit_status(report, o.fail_on);
}

} // namespace dtscan
