// The SQLite side of audit --state. WAL journal with synchronous=FULL: a committed repository survives
// power loss, an uncommitted one is rolled back on the next open. Findings are stored as the report's
// JSON object (without the secret) plus the SARIF columns, which the JSON does not carry.
#include "scanner/audit_state.hpp"

#include "scanner/audit_settings.hpp"
#include "scanner/error.hpp"
#include "scanner/printable.hpp"
#include "scanner/report/json_common.hpp"
#include "scanner/report/jsonl_read.hpp"
#include "scanner/sources/git_repo.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <git2/oid.h>

#include <algorithm>
#include <optional>

namespace dtscan {
namespace {

constexpr const char* k_schema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS repositories (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS tips (repository TEXT NOT NULL, oid BLOB NOT NULL, PRIMARY KEY (repository, oid))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blobs (repository TEXT NOT NULL, oid BLOB NOT NULL, PRIMARY KEY (repository, oid))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (repository TEXT NOT NULL, origin TEXT NOT NULL, finding TEXT NOT NULL,
  blob TEXT NOT NULL, char_column INTEGER NOT NULL, char_end_column INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS findings_by_repository ON findings (repository);
)";
constexpr const char* k_format = "dtscan-audit-state/1";

class Statement {
public:
  Statement(sqlite3* db, const char* sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK) m_stmt = nullptr;
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  bool ok() const { return m_stmt != nullptr; }
  Statement& text(int i, const std::string& v) {
    sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& oid(int i, const git_oid& v) {
    sqlite3_bind_blob(m_stmt, i, v.id, GIT_OID_RAWSZ, SQLITE_TRANSIENT);
    return *this;
  }
  Statement& integer(int i, uint64_t v) {
    sqlite3_bind_int64(m_stmt, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  int step() { return sqlite3_step(m_stmt); }
  void reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  std::string column_text(int i) {
    const unsigned char* p = sqlite3_column_text(m_stmt, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(m_stmt, i)))
             : std::string();
  }
  bool column_oid(int i, git_oid& out) {
    if (sqlite3_column_bytes(m_stmt, i) != GIT_OID_RAWSZ) return false;
    git_oid_fromraw(&out, static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, i)));
    return true;
  }
  uint64_t column_integer(int i) { return static_cast<uint64_t>(sqlite3_column_int64(m_stmt, i)); }

private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// A key of audit_settings() as the user knows it: the option (or what) that set it.
std::string setting_name(const std::string& key) {
  if (key == "version") return "the dtscan version";
  if (key == "rules") return "the rules (--rules, or the built-in ones)";
  if (key == "settings") return "the recorded settings";
  std::string option = "--" + key;
  std::replace(option.begin(), option.end(), '_', '-');
  return option;
}

std::string roots_text(const std::vector<std::string>& roots) {
  return nlohmann::json(roots).dump();
}

} // namespace

std::string finding_key(const Finding& f) {
  return fmt::format("{}\n{}\n{}\n{}", f.rule_id, f.fingerprint, f.path, f.commit.value_or(""));
}

AuditState::AuditState(const std::string& path, const std::vector<std::string>& roots, const std::string& settings)
    : m_path(path) {
  try {
    open(roots, settings);
  } catch (...) {
    sqlite3_close(m_db); // the destructor does not run for a constructor that throws
    m_db = nullptr;
    throw;
  }
}

void AuditState::open(const std::vector<std::string>& roots, const std::string& settings) {
  const std::string& path = m_path;
  if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    fail("cannot open");
  sqlite3_busy_timeout(m_db, 10000); // another dtscan on the same state waits rather than fails
  // A file that is not SQLite fails here, at the first read.
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec("BEGIN IMMEDIATE");
  exec(k_schema);
  Statement get(m_db, "SELECT key, value FROM meta");
  if (!get.ok()) fail("cannot read");
  std::string format, recorded_roots;
  std::optional<std::string> recorded_settings;
  while (get.step() == SQLITE_ROW) {
    const std::string key = get.column_text(0);
    if (key == "format") format = get.column_text(1);
    if (key == "roots") recorded_roots = get.column_text(1);
    if (key == "settings") recorded_settings = get.column_text(1);
  }
  if (format.empty()) {
    Statement put(m_db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    put.text(1, "format").text(2, k_format);
    if (put.step() != SQLITE_DONE) fail("cannot write");
    put.reset();
    put.text(1, "roots").text(2, roots_text(roots));
    if (put.step() != SQLITE_DONE) fail("cannot write");
  } else if (format != k_format) {
    exec("ROLLBACK");
    throw FatalError(fmt::format("--state '{}' is not a dtscan audit state of this version ({})", printable(path),
                                 printable(format)));
  } else if (recorded_roots != roots_text(roots)) {
    exec("ROLLBACK");
    throw FatalError(fmt::format("--state '{}' records an audit of other roots ({}); use another state file",
                                 printable(path), printable(recorded_roots)));
  } else if (std::string differs = recorded_settings ? differing_setting(*recorded_settings, settings) : "";
             !differs.empty()) {
    exec("ROLLBACK");
    throw FatalError(fmt::format("--state '{}' records an audit with other settings ({} differs), whose findings "
                                 "would be mixed with this one's; use the same options or another state file",
                                 printable(path), setting_name(differs)));
  }
  if (!recorded_settings) {
    Statement put(m_db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    put.text(1, "settings").text(2, settings);
    if (put.step() != SQLITE_DONE) fail("cannot write");
  }
  exec("COMMIT");
}

AuditState::~AuditState() {
  sqlite3_close(m_db);
}

void AuditState::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(m_db);
    sqlite3_free(message);
    throw FatalError(fmt::format("--state '{}': {}", printable(m_path), why));
  }
}

void AuditState::fail(const std::string& what) {
  throw FatalError(fmt::format("--state '{}': {}: {}", printable(m_path), what, sqlite3_errmsg(m_db)));
}

RepoState AuditState::load(const std::string& repository) {
  std::lock_guard lock(m_mutex);
  RepoState out;
  Statement known(m_db, "SELECT 1 FROM repositories WHERE name = ?1");
  if (!known.ok()) fail("cannot read");
  known.text(1, repository);
  out.recorded = known.step() == SQLITE_ROW;
  if (!out.recorded) return out;
  Statement tips(m_db, "SELECT oid FROM tips WHERE repository = ?1");
  Statement blobs(m_db, "SELECT oid FROM blobs WHERE repository = ?1");
  Statement findings(m_db,
                     "SELECT origin, finding, blob, char_column, char_end_column FROM findings WHERE repository = ?1");
  if (!tips.ok() || !blobs.ok() || !findings.ok()) fail("cannot read");
  git_oid id;
  for (tips.text(1, repository); tips.step() == SQLITE_ROW;)
    if (tips.column_oid(0, id)) out.tips.push_back(id);
  for (blobs.text(1, repository); blobs.step() == SQLITE_ROW;)
    if (blobs.column_oid(0, id)) out.blobs.insert(id);
  for (findings.text(1, repository); findings.step() == SQLITE_ROW;) {
    Finding f;
    try {
      f = finding_from_json(nlohmann::json::parse(findings.column_text(1)), false);
    } catch (const std::exception& e) {
      throw FatalError(fmt::format("--state '{}': a stored finding of '{}' is damaged ({})", printable(m_path),
                                   printable(repository), e.what()));
    }
    f.blob = findings.column_text(2);
    f.char_column = findings.column_integer(3);
    f.char_end_column = findings.column_integer(4);
    out.finding_keys.push_back(finding_key(f));
    if (findings.column_text(0) == "history") out.history_findings.push_back(std::move(f));
  }
  return out;
}

void AuditState::save(const std::string& repository, const std::vector<git_oid>& tips,
                      const std::vector<git_oid>& new_blobs, const std::vector<Finding>& new_history_findings,
                      const std::vector<Finding>& worktree_findings) {
  std::lock_guard lock(m_mutex);
  exec("BEGIN IMMEDIATE");
  try {
    auto run = [&](Statement& s) {
      if (s.step() != SQLITE_DONE) fail("cannot write");
      s.reset();
    };
    Statement repo(m_db, "INSERT OR IGNORE INTO repositories (name) VALUES (?1)");
    Statement drop_tips(m_db, "DELETE FROM tips WHERE repository = ?1");
    Statement add_tip(m_db, "INSERT OR IGNORE INTO tips (repository, oid) VALUES (?1, ?2)");
    Statement add_blob(m_db, "INSERT OR IGNORE INTO blobs (repository, oid) VALUES (?1, ?2)");
    Statement drop_worktree(m_db, "DELETE FROM findings WHERE repository = ?1 AND origin = 'worktree'");
    Statement add_finding(m_db, "INSERT INTO findings (repository, origin, finding, blob, char_column, "
                                "char_end_column) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!repo.ok() || !drop_tips.ok() || !add_tip.ok() || !add_blob.ok() || !drop_worktree.ok() || !add_finding.ok())
      fail("cannot write");
    repo.text(1, repository);
    run(repo);
    drop_tips.text(1, repository);
    run(drop_tips);
    for (const git_oid& id : tips) {
      add_tip.text(1, repository).oid(2, id);
      run(add_tip);
    }
    for (const git_oid& id : new_blobs) {
      add_blob.text(1, repository).oid(2, id);
      run(add_blob);
    }
    drop_worktree.text(1, repository);
    run(drop_worktree);
    auto add = [&](const Finding& f, const char* origin) {
      Finding stored = f;
      stored.secret.clear();
      stored.audit_state.reset();
      stored.in_head.reset(); // recomputed against HEAD at every audit
      add_finding.text(1, repository)
          .text(2, origin)
          .text(3, dump_json(finding_to_json(stored, false)))
          .text(4, f.blob)
          .integer(5, f.char_column)
          .integer(6, f.char_end_column);
      run(add_finding);
    };
    for (const Finding& f : new_history_findings)
      add(f, "history");
    for (const Finding& f : worktree_findings)
      add(f, "worktree");
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

} // namespace dtscan
