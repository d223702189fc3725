// The audit runner. Each repository is scanned by one repository worker (with threads / workers blob
// threads of its own) into its own collector; when it is done its findings get `repository` and
// `in_head` and go to the report: streamed at once for jsonl (so memory holds one repository's findings
// at most), kept for the sorted json, sarif and text reports. SIGINT sets a flag that stops the walk of
// the repository being scanned and every later one; the report is then written as far as it got.
// Discovery runs in a thread of its own and hands repositories over as it finds them (repo_queue.hpp).
// --shard K/N keeps the discovered repositories whose name hashes to K (repo_discovery.hpp); --state
// (audit_state.hpp) records each finished repository and lets the next audit scan only what is new.
// Each repository's own .dtscan.json adds its excludes and its baseline (not its fail_on), unless
// --no-repo-config.
// --verify checks each repository's tokens as it finishes, through one VerifySession for the whole run
// (a token in ten repositories is asked once), before its findings are counted and streamed.
#include "scanner/audit.hpp"

#include "scanner/audit_settings.hpp"
#include "scanner/audit_state.hpp"
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
#include "scanner/repo_queue.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/results.hpp"
#include "scanner/sources/git_history.hpp"
#include "scanner/sources/git_repo.hpp"
#include "scanner/sources/git_worktree.hpp"
#include "scanner/sources/repo_discovery.hpp"
#include "scanner/verify/environments.hpp"
#include "scanner/verify/verifier.hpp"
#include "scanner/wipe.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace dtscan {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) {
  g_interrupted = 1;
  ::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

struct Interrupted {}; // thrown from the blob sink to leave the history walk

// SIGINT, unless it is ignored (nohup, a background job of a non-interactive shell).
void catch_interrupt() {
  struct sigaction old {};
  ::sigaction(SIGINT, nullptr, &old);
  if (old.sa_handler == SIG_IGN) return;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESTART; // a report write blocked on a full pipe resumes: the report stays whole
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
}

struct RepoResult {
  RepositorySummary row;
  Report report; // findings with repository and in_head set
};

class Auditor {
public:
  Auditor(const Options& o, const ScanEngine& engine, const Baseline* baseline, unsigned blob_threads,
          const ScanCallbacks& shared, AuditState* state, VerifySession* verifier, ProgressCounters& progress)
      : m_o(o), m_engine(engine), m_baseline(baseline), m_blob_threads(blob_threads), m_shared(shared),
        m_excludes(o.excludes), m_state(state), m_verifier(verifier), m_progress(progress) {}

  RepoResult audit(const DiscoveredRepo& found) {
    RepoResult out;
    out.row.repository = found.name;
    // --state: what an earlier audit recorded; only commits not reachable from its tips and blobs it did
    // not scan are scanned now.
    RepoState prior;
    if (m_state) prior = m_state->load(found.name);
    std::vector<git_oid> new_blobs;
    std::vector<git_oid> tips;
    GitRepository repo;
    try {
      repo = open_repository(found.path);
      check_loose_objects(repo.get());
    } catch (const FatalError& e) {
      out.row.error = e.what();
      return out;
    }
    // The repository's own .dtscan.json: its excludes add to --exclude, its baseline applies unless
    // --baseline is given; its fail_on does not (the audit has one gate).
    const RepoConfig own = repo_config(repo.get(), found.name);
    const ExcludeSet& excludes = own.excludes ? *own.excludes : m_excludes;
    const Baseline* baseline = own.baseline ? &*own.baseline : m_baseline;
    ResultCollector collector(m_blob_threads + 1, m_shared, baseline, &m_progress); // progress per blob
    uint64_t history_files = 0;
    OidSet head;
    try {
      head = head_blobs(repo.get());
      BlobScanConfig config;
      config.threads = m_blob_threads;
      config.max_blob_size = m_o.max_file_size;
      config.head_blobs = &head;
      HistoryStats stats;
      scan_blobs(
          m_engine, repo.get(), config,
          [&](const BlobSink& sink) {
            stats = history_blobs(
                repo.get(), "", excludes,
                [&](BlobJob&& job) {
                  if (g_interrupted) throw Interrupted{};
                  if (m_state) {
                    if (prior.blobs.contains(job.oid)) return; // scanned by an earlier audit
                    new_blobs.push_back(job.oid);
                  }
                  sink(std::move(job));
                },
                m_shared.warn, prior.tips);
          },
          collector);
      out.row.commits = stats.commits;
      tips = std::move(stats.tips);
      collector.skipped(m_blob_threads, stats.excluded);
      collector.add_errors(m_blob_threads, stats.errors);
      if (stats.errors) out.row.error = fmt::format("{} unreadable tree{}", stats.errors, stats.errors == 1 ? "" : "s");
    } catch (const FatalError& e) {
      out.row.error = e.what(); // a corrupt repository: what was scanned before stays
    }
    if (g_interrupted) return out; // an unfinished repository is left out whole
    history_files = peek_files(collector);
    try {
      out.row.worktree_files = scan_worktree(repo.get(), head, excludes, collector);
    } catch (const FatalError& e) {
      if (out.row.error.empty()) out.row.error = e.what();
    }
    if (g_interrupted) return out;
    std::vector<Finding> baselined;
    out.report = collector.finish(&baselined);
    for (Finding& f : baselined)
      wipe(f.verify_secret);
    if (m_verifier) verify(out);
    out.row.blobs = history_files;
    if (out.row.error.empty() && out.report.summary.errors > 0)
      out.row.error = fmt::format("{} unreadable object{} or file{}", out.report.summary.errors,
                                  out.report.summary.errors == 1 ? "" : "s", out.report.summary.errors == 1 ? "" : "s");
    if (m_state) add_recorded(out, prior, repo.get(), head, found.name, tips, new_blobs, baselined, baseline, excludes);
    finish_findings(out, found.name);
    if (m_state) mark_known(out, prior);
    return out;
  }

private:
  struct RepoConfig {
    std::optional<ExcludeSet> excludes; // --exclude and the file's
    std::optional<Baseline> baseline;
  };

  // The .dtscan.json at the root of a repository's work tree (bare repositories have none). A malformed
  // one is a warning, and the repository is scanned without it: more findings, never fewer.
  RepoConfig repo_config(git_repository* repo, const std::string& name) const {
    RepoConfig out;
    const char* workdir = git_repository_workdir(repo);
    if (workdir == nullptr || m_o.no_repo_config) return out;
    try {
      std::optional<ProjectConfig> config = load_project_config(workdir);
      if (!config) return out;
      if (config->baseline && !m_baseline) out.baseline = Baseline::load(*config->baseline);
      if (!config->exclude.empty()) {
        std::vector<std::string> globs = m_o.excludes;
        globs.insert(globs.end(), config->exclude.begin(), config->exclude.end());
        out.excludes.emplace(globs);
      }
    } catch (const FatalError& e) {
      if (m_shared.warn)
        m_shared.warn(
            fmt::format("dtscan: warning: {}; repository {} is audited without it", e.what(), printable(name)));
      out = RepoConfig{};
    }
    return out;
  }

  // Files recorded so far (the history's blobs), read from the progress counters of this collector.
  static uint64_t peek_files(const ResultCollector& collector) { return collector.progress().files.load(); }

  // The uncommitted and untracked files, read from the work tree; returns how many were scanned.
  uint64_t scan_worktree(git_repository* repo, const OidSet& head, const ExcludeSet& excludes,
                         ResultCollector& collector) {
    const WorktreeFiles files = uncommitted_files(repo, excludes, !m_o.respect_gitignore, head);
    collector.skipped(0, files.excluded);
    if (files.paths.empty()) return 0;
    const std::string root = git_repository_workdir(repo);
    FileScanner scanner(m_engine);
    const uint64_t before = collector.progress().files.load();
    for (const std::string& path : files.paths) {
      if (g_interrupted) break;
      const int fd = ::open((root + path).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
      if (fd < 0) {
        collector.error(0, fmt::format("dtscan: warning: cannot open '{}' in the work tree of {}: {}", printable(path),
                                       printable(root), std::strerror(errno)));
        continue;
      }
      collector.record(0, scanner.scan_fd(fd, path, BinaryPolicy::skip), path);
      ::close(fd);
    }
    return collector.progress().files.load() - before;
  }

  // --verify: this repository's tokens, each (token, environment) pair asked once in the whole audit.
  void verify(RepoResult& out) {
    size_t tokens = 0;
    for (const Finding& f : out.report.findings)
      tokens += !f.verify_secret.empty();
    if (tokens == 0) return;
    m_progress.tokens_total += tokens;
    m_verifier->verify(out.report.findings);
    m_progress.tokens_verified += tokens;
    recount_severities(out.report.summary, out.report.findings);
  }

  // repository on every finding; in_head: the secret is in a blob of HEAD's tree (whichever blob or
  // commit this finding came from).
  static void finish_findings(RepoResult& out, const std::string& name) {
    std::set<std::string> in_head;
    for (const Finding& f : out.report.findings)
      if (f.in_head.value_or(false)) in_head.insert(f.fingerprint);
    for (Finding& f : out.report.findings) {
      f.repository = name;
      f.in_head = in_head.count(f.fingerprint) > 0;
      ++out.row.by_severity[static_cast<size_t>(f.severity)];
    }
  }

  // --state: records this scan (one transaction; not for a repository that could not be read whole, so
  // that it is scanned again next time), then adds the earlier audits' history findings, whose in_head is
  // decided afresh against HEAD. The state records history findings before any baseline (`baselined`
  // are those this audit's baseline suppressed), and the recorded ones pass this audit's baseline and the
  // repository's excludes now: a baseline edited between audits applies to every finding, old or new.
  // A recorded finding whose commit no ref reaches any more (a force-push, a deleted branch) is left out,
  // as a full audit would leave it; it stays recorded, in case the commit comes back.
  void add_recorded(RepoResult& out, RepoState& prior, git_repository* repo, const OidSet& head,
                    const std::string& name, const std::vector<git_oid>& tips, const std::vector<git_oid>& new_blobs,
                    const std::vector<Finding>& baselined, const Baseline* baseline, const ExcludeSet& excludes) {
    if (out.row.error.empty()) {
      std::vector<Finding> history, worktree;
      for (const Finding& f : out.report.findings)
        (f.blob.empty() ? worktree : history).push_back(f);
      for (const Finding& f : baselined)
        if (!f.blob.empty()) history.push_back(f);
      m_state->save(name, tips, new_blobs, history, worktree);
    }
    std::map<std::string, bool> reachable; // by commit id
    auto still_reachable = [&](const Finding& f) {
      if (!out.row.error.empty() || !f.commit) return true; // the current tips are not known for sure
      auto [it, added] = reachable.emplace(*f.commit, true);
      git_oid id;
      if (added && git_oid_fromstr(&id, f.commit->c_str()) == 0)
        it->second = git_graph_reachable_from_any(repo, &id, tips.data(), tips.size()) == 1;
      return it->second;
    };
    for (Finding& f : prior.history_findings) {
      if (excludes.excludes(f.path, EntryKind::file) || !still_reachable(f)) continue;
      if (baseline && baseline->contains(f)) {
        ++out.report.summary.suppressed;
        continue;
      }
      git_oid id;
      f.in_head = git_oid_fromstr(&id, f.blob.c_str()) == 0 && head.contains(id);
      ++out.report.summary.by_severity[static_cast<size_t>(f.severity)];
      out.report.findings.push_back(std::move(f));
    }
    std::sort(out.report.findings.begin(), out.report.findings.end(), finding_less);
  }

  // "known" when an earlier audit recorded the same finding, else "new".
  static void mark_known(RepoResult& out, const RepoState& prior) {
    const std::set<std::string> known(prior.finding_keys.begin(), prior.finding_keys.end());
    for (Finding& f : out.report.findings)
      f.audit_state = known.count(finding_key(f)) ? "known" : "new";
  }

  const Options& m_o;
  const ScanEngine& m_engine;
  const Baseline* m_baseline;
  const unsigned m_blob_threads;
  const ScanCallbacks& m_shared;
  const ExcludeSet m_excludes;
  AuditState* m_state;
  VerifySession* m_verifier;    // --verify
  ProgressCounters& m_progress; // the audit's progress line: files and bytes as they are scanned
};

} // namespace

int run_audit_command(const Options& o) {
  if (!o.write_baseline.empty()) throw FatalError("audit does not write baselines; use 'dtscan git --write-baseline'");
  GitLibrary library;
  RuleSet rules = load_rules(o.rule_files);
  std::optional<Baseline> baseline;
  if (!o.baseline.empty()) baseline = Baseline::load(o.baseline);
  ScanEngine engine(rules, o.no_decode ? DecodeMode::off : DecodeMode::on,
                    o.show_secrets ? SecretDisplay::shown : SecretDisplay::redacted);
  std::optional<EnvironmentUrls> verify_urls;
  std::optional<VerifySession> verifier;
  if (o.verify) {
    engine.verify = &verify_urls.emplace(rules.classification);
    verifier.emplace(verify_options(o));
  }

  ReportOutput output(o.output);
  ReportContext ctx = report_context(o, rules, output.is_terminal());
  if (o.format == Format::sarif) {
    ctx.sarif_category = o.sarif_category.empty() ? "dtscan/audit" : o.sarif_category;
    // Repository paths are relative to their root: with one root, that root; with several, the current
    // directory (then URIs are best read with --sarif-root).
    ctx.sarif_base = absolute_dir(o.paths.size() == 1 ? o.paths[0] : std::string());
    ctx.sarif_root =
        absolute_dir(o.sarif_root.empty() ? (o.paths.size() == 1 ? o.paths[0] : std::string()) : o.sarif_root);
  }
  JsonlWriter jsonl(output.stream(), ctx);

  std::optional<ProgressMeter> meter;
  std::mutex out_mutex; // report output and warnings, from every repository worker
  auto printed = [&](const std::function<void()>& write) { meter ? meter->around_output(write) : write(); };
  ScanCallbacks shared;
  if (!o.quiet)
    shared.warn = [&](const std::string& msg) {
      std::lock_guard lock(out_mutex);
      printed([&] { std::cerr << redact_message(msg) << '\n'; });
    };

  std::optional<AuditState> state;
  if (!o.state.empty()) {
    std::vector<std::string> roots;
    for (const std::string& root : o.paths)
      roots.push_back(absolute_dir(root));
    state.emplace(o.state, roots, audit_settings(o));
  }

  ProgressCounters progress;
  const bool stderr_tty = ::isatty(STDERR_FILENO) == 1;
  if (!o.quiet && (stderr_tty || o.progress))
    meter.emplace(progress, std::cerr, stderr_tty ? ProgressMeter::Style::in_place : ProgressMeter::Style::lines);
  catch_interrupt();

  // Discovery walks the roots in a thread of its own and hands each repository (of this shard, with
  // --shard K/N: by a hash of its name) to the workers as it finds it.
  DiscoveryOptions discovery;
  discovery.max_depth = o.max_depth;
  discovery.stop = [] { return g_interrupted != 0; }; // Ctrl-C: the rest of the roots is not walked
  const WarningSink discovery_warn = shared.warn ? shared.warn : WarningSink([](const std::string&) {});
  RepoQueue queue;
  size_t discovered = 0; // written by the discovery thread, read after it joined
  std::exception_ptr discovery_failure;
  std::thread discoverer([&] {
    try {
      discover_repositories(o.paths, discovery, discovery_warn, [&](DiscoveredRepo&& r) {
        ++discovered;
        if (g_interrupted || (o.shard_count && shard_of(r.name, o.shard_count) != o.shard_index)) return;
        ++progress.repositories_total;
        queue.push(std::move(r));
      });
    } catch (...) {
      discovery_failure = std::current_exception();
    }
    queue.close();
  });
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } join_discoverer{discoverer};

  // One repository worker per thread, each with one blob thread, once there are that many
  // repositories; fewer repositories (discovery over first) share the threads out between them.
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  const auto [ready, complete] = queue.wait_for(threads);
  const unsigned repo_workers = complete ? static_cast<unsigned>(std::clamp<size_t>(ready, 1, threads)) : threads;
  const unsigned blob_threads = std::max(1u, threads / repo_workers);

  Report report;
  AuditSummary audit;
  std::exception_ptr failure;
  auto worker = [&] {
    Auditor auditor(o, engine, baseline ? &*baseline : nullptr, blob_threads, shared, state ? &*state : nullptr,
                    verifier ? &*verifier : nullptr, progress);
    while (!g_interrupted) {
      std::optional<DiscoveredRepo> next = queue.pop();
      if (!next) break;
      RepoResult r;
      try {
        r = auditor.audit(*next);
      } catch (const Interrupted&) {
        break;
      } catch (...) {
        std::lock_guard lock(out_mutex);
        if (!failure) failure = std::current_exception();
        break;
      }
      if (g_interrupted) break; // the repository was cut short: left out whole
      std::lock_guard lock(out_mutex);
      add_summary(report.summary, r.report.summary);
      progress.findings += r.report.findings.size();
      ++progress.repositories_done;
      audit.repositories.push_back(std::move(r.row));
      if (o.format == Format::jsonl) {
        printed([&] {
          for (const Finding& f : r.report.findings)
            jsonl.finding(f);
        });
      } else {
        std::move(r.report.findings.begin(), r.report.findings.end(), std::back_inserter(report.findings));
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < repo_workers; ++w)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();
  discoverer.join();
  if (meter) meter->stop();
  if (discovery_failure) std::rethrow_exception(discovery_failure);
  if (failure) std::rethrow_exception(failure);
  if (discovered == 0 && !o.quiet) std::cerr << "dtscan: no git repository found under the given roots\n";

  audit.interrupted = g_interrupted != 0;
  if (o.shard_count) audit.shard = ShardId{o.shard_index, o.shard_count};
  std::sort(audit.repositories.begin(), audit.repositories.end(), repository_rank_less);
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  report.summary.audit = std::move(audit);
  switch (o.format) {
  case Format::text: write_text(output.stream(), report, ctx); break;
  case Format::json: write_json(output.stream(), report, ctx); break;
  case Format::jsonl: jsonl.finish(report.summary); break;
  case Format::sarif: write_sarif(output.stream(), report, ctx); break;
  }
  output.commit();
  if (!o.output.empty() && !o.quiet && stderr_tty) std::cerr << summary_line(report);
  if (report.summary.audit->interrupted) {
    if (!o.quiet) std::cerr << "dtscan: interrupted: the report holds the repositories finished before Ctrl-C\n";
    return 130;
  }
  return exit_status(report, o.fail_on);
}

} // namespace dtscan
