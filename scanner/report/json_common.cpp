// JSON pieces shared by the json, jsonl and sarif writers (see json_common.hpp).
#include "scanner/report/json_common.hpp"

namespace dtscan {

using nlohmann::ordered_json;

namespace {

ordered_json string_or_null(const std::string& s) {
  return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}

ordered_json optional_or_null(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}

} // namespace

ordered_json finding_to_json(const Finding& f, bool show_secrets) {
  ordered_json j;
  j["rule_id"] = f.rule_id;
  j["token_type"] = f.token_type;
  j["severity"] = to_string(f.severity);
  j["reasons"] = f.reasons;
  j["path"] = f.path;
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["end_column"] = f.end_column;
  j["token_id"] = string_or_null(f.token_id);
  j["redacted"] = f.redacted;
  j["fingerprint"] = f.fingerprint;
  j["decoded"] = string_or_null(std::string(to_string(f.decoded)));
  j["commit"] = optional_or_null(f.commit);
  j["repository"] = optional_or_null(f.repository);
  if (f.in_head) j["in_head"] = *f.in_head;
  if (f.audit_state) j["state"] = *f.audit_state;
  if (f.verification) j["verification"] = verification_to_json(*f.verification);
  if (show_secrets && !f.secret.empty()) j["secret"] = f.secret;
  return j;
}

ordered_json verification_to_json(const Verification& v) {
  ordered_json j;
  j["status"] = to_string(v.status);
  j["environment"] = string_or_null(v.environment);
  j["scopes"] = v.scopes ? ordered_json(*v.scopes) : ordered_json(nullptr);
  j["expires"] = optional_or_null(v.expires);
  j["owner"] = optional_or_null(v.owner);
  j["name"] = optional_or_null(v.name);
  j["detail"] = string_or_null(v.detail);
  return j;
}

ordered_json summary_to_json(const Summary& s) {
  ordered_json j;
  j["files_scanned"] = s.files_scanned;
  j["bytes_scanned"] = s.bytes_scanned;
  j["files_skipped"] = s.files_skipped;
  j["errors"] = s.errors;
  j["suppressed"] = s.suppressed;
  ordered_json by = ordered_json::object();
  for (Severity sev : all_severities)
    by[std::string(to_string(sev))] = s.by_severity[static_cast<size_t>(sev)];
  j["by_severity"] = std::move(by);
  if (s.audit) {
    ordered_json repos = ordered_json::array();
    for (const RepositorySummary& r : s.audit->repositories) {
      ordered_json row;
      row["repository"] = r.repository;
      row["commits"] = r.commits;
      row["blobs"] = r.blobs;
      row["worktree_files"] = r.worktree_files;
      ordered_json counts = ordered_json::object();
      for (Severity sev : all_severities)
        counts[std::string(to_string(sev))] = r.by_severity[static_cast<size_t>(sev)];
      row["by_severity"] = std::move(counts);
      row["worst"] = r.worst() ? ordered_json(std::string(to_string(*r.worst()))) : ordered_json(nullptr);
      row["error"] = string_or_null(r.error);
      repos.push_back(std::move(row));
    }
    j["repositories"] = std::move(repos);
    j["interrupted"] = s.audit->interrupted;
    if (s.audit->shard) j["shard"] = {{"index", s.audit->shard->index}, {"count", s.audit->shard->count}};
  }
  return j;
}

std::string dump_json(const ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::detail::error_handler_t::replace);
}

} // namespace dtscan
