// audit --state FILE: the audit kept in an SQLite database, so that an interrupted audit (Ctrl-C, kill -9,
// power loss) resumes where it stopped and a later audit scans only what is new. Per repository it holds
// the ref tips whose history was scanned, the history blobs scanned, the findings, and the last table
// row; each repository is written in one transaction when its scan is complete, so a repository cut short
// leaves the state as it was. The state never holds a secret value (findings are stored redacted).
#pragma once

#include "scanner/finding.hpp"
#include "scanner/sources/oid_set.hpp"

#include <git2/oid.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3;

namespace dtscan {

struct RepoState {
  bool recorded = false;                 // a complete scan of this repository is in the state
  std::vector<git_oid> tips;             // the commits its history was scanned from
  OidSet blobs;                          // history blobs scanned (not to be scanned again)
  std::vector<Finding> history_findings; // found in those blobs (Finding::blob set)
  std::vector<std::string> finding_keys; // identity of every finding of the last audit (history and work tree)
};

// What identifies a finding across audits: rule, fingerprint, path, commit.
std::string finding_key(const Finding& f);

class AuditState {
public:
  // Opens (or creates) the state. `roots`: the audited roots, made absolute; `settings`: audit_settings()
  // (audit_settings.hpp). A state of other roots or other settings is refused (FatalError naming the
  // roots or the setting), as is anything that is not a dtscan audit state. A state recorded before
  // settings were kept takes this audit's.
  AuditState(const std::string& path, const std::vector<std::string>& roots, const std::string& settings);
  ~AuditState();
  AuditState(const AuditState&) = delete;
  AuditState& operator=(const AuditState&) = delete;

  RepoState load(const std::string& repository);
  // One transaction: the new tips, the blobs scanned this time, the findings of those blobs (added to
  // the history findings), the work tree's findings (replacing the old ones) and the row.
  void save(const std::string& repository, const std::vector<git_oid>& tips, const std::vector<git_oid>& new_blobs,
            const std::vector<Finding>& new_history_findings, const std::vector<Finding>& worktree_findings);

private:
  void open(const std::vector<std::string>& roots, const std::string& settings);
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what);

  std::string m_path;
  sqlite3* m_db = nullptr;
  std::mutex m_mutex; // one connection, used by every repository worker
};

} // namespace dtscan
