// The values that flow from the classifier to the reports: one Finding per secret occurrence and the
// Report that gathers them. Plain data, no behaviour beyond naming the enums.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

// Ordered lowest to highest so that comparisons mean "at least as severe".
enum class Severity { info, low, medium, high, critical };
inline constexpr std::array<Severity, 5> all_severities{Severity::critical, Severity::high, Severity::medium,
                                                        Severity::low, Severity::info};

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

// How the secret was found: as written, or inside a decoded base64 / percent-encoded span.
enum class Decoding { none, base64, percent };
std::string_view to_string(Decoding d); // "" for none (reported as JSON null)

// What `--verify` learned from the environment's token lookup API (SPEC §7). Never holds the secret.
struct Verification {
  enum class Status { active, inactive, unknown };
  Status status = Status::unknown;
  std::string environment;                        // the environment URL asked (empty: none could be)
  std::optional<std::vector<std::string>> scopes; // nullopt: not known (403, or not active)
  std::optional<std::string> expires, owner, name;
  std::string detail; // why unknown or inactive: "timeout", "http-500", "host-not-allowed", "no-environment", ...
};
std::string_view to_string(Verification::Status s);

struct Finding {
  std::string rule_id;
  std::string token_type; // "dt0c01", "legacy-api-token", "unknown", ...
  Severity severity = Severity::info;
  std::vector<std::string> reasons;
  std::string path;    // bytes, '/' separators, as the user named it ("src/app.env"); may be invalid UTF-8
  size_t root_len = 0; // bytes of `path` that name the scanned directory ("src/"); see root_relative_path()
  uint64_t line = 0, column = 0, end_line = 0, end_column = 0; // 1-based; columns count bytes; end exclusive
  uint64_t char_column = 0, char_end_column = 0;               // the same columns in Unicode code points (for SARIF)
  std::string token_id;                                        // safe to display; empty when the value has none
  std::string redacted;
  std::string fingerprint; // SHA-256 hex of the secret value
  std::string secret;      // filled only under --show-secrets, otherwise empty
  Decoding decoded = Decoding::none;
  std::optional<std::string> commit;
  std::optional<std::string> repository;    // audit: the repository, relative to its root
  std::optional<bool> in_head;              // audit: whether the secret is still in HEAD's tree
  std::optional<std::string> audit_state;   // audit --state: "new" (not in the state before) or "known"
  std::optional<Verification> verification; // set by --verify for the tokens it could check
  std::string blob;                         // git modes: the blob's id (hex); never reported (audit --state)
  // --verify only, for tokens it can check: the value and the environment URLs of the same file or blob.
  // Never reported; wiped once verification is done.
  std::string verify_secret;
  std::vector<std::string> verify_environments;
};

// The path below the scanned directory ("app.env" for "src/app.env" found by `scan src`): what baselines
// and SARIF fingerprints key on, so that they hold however the directory was named on the command line.
inline std::string_view root_relative_path(const Finding& f) {
  return std::string_view(f.path).substr(std::min(f.root_len, f.path.size()));
}

// Deterministic report order: (repository, path, line, column, rule_id).
bool finding_less(const Finding& a, const Finding& b);

// audit: one row of the per-repository table.
struct RepositorySummary {
  std::string repository; // relative to its root
  uint64_t commits = 0;
  uint64_t blobs = 0;          // history blobs scanned
  uint64_t worktree_files = 0; // uncommitted and untracked files scanned
  std::array<uint64_t, 5> by_severity{};
  std::string error; // empty unless the repository could not be (fully) read
  std::optional<Severity> worst() const;
};

// Worst first: by worst severity, then by the number of findings of each severity, then by name.
bool repository_rank_less(const RepositorySummary& a, const RepositorySummary& b);

// audit --shard K/N: which part of the repositories a report covers.
struct ShardId {
  unsigned index = 0; // K, 1-based
  unsigned count = 0; // N
};

struct AuditSummary {
  std::vector<RepositorySummary> repositories; // in rank order
  bool interrupted = false;
  std::optional<ShardId> shard; // --shard only
};

struct Summary {
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t files_skipped = 0;
  uint64_t errors = 0;
  uint64_t suppressed = 0;
  std::array<uint64_t, 5> by_severity{}; // indexed by static_cast<int>(Severity)
  std::optional<AuditSummary> audit;     // audit only
};

struct Report {
  std::vector<Finding> findings;
  Summary summary;
};

} // namespace dtscan
