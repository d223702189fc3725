// jsonl report reader: the inverse of finding_to_json / summary_to_json (json_common.cpp).
#include "scanner/report/jsonl_read.hpp"

#include "scanner/error.hpp"
#include "scanner/json_file.hpp"
#include "scanner/printable.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dtscan {
namespace {

using nlohmann::json;

struct BadLine {
  std::string what;
};

const json& field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) throw BadLine{fmt::format("no \"{}\"", key)};
  return *it;
}

std::string text(const json& obj, const char* key) {
  const json& v = field(obj, key);
  if (!v.is_string()) throw BadLine{fmt::format("\"{}\" is not a string", key)};
  return v.get<std::string>();
}

std::string text_or_empty(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw BadLine{fmt::format("\"{}\" is not a string or null", key)};
  return it->get<std::string>();
}

std::optional<std::string> optional_text(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw BadLine{fmt::format("\"{}\" is not a string or null", key)};
  return it->get<std::string>();
}

uint64_t number(const json& obj, const char* key) {
  const json& v = field(obj, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    throw BadLine{fmt::format("\"{}\" is not a count", key)};
  return v.get<uint64_t>();
}

Severity severity(const json& obj, const char* key) {
  const std::string s = text(obj, key);
  auto sev = parse_severity(s);
  if (!sev) throw BadLine{fmt::format("\"{}\" is not a severity", key)};
  return *sev;
}

std::array<uint64_t, 5> severity_counts(const json& obj) {
  const json& by = field(obj, "by_severity");
  if (!by.is_object()) throw BadLine{"\"by_severity\" is not an object"};
  std::array<uint64_t, 5> counts{};
  for (Severity sev : all_severities)
    counts[static_cast<size_t>(sev)] = number(by, std::string(to_string(sev)).c_str());
  return counts;
}

Verification verification(const json& v) {
  if (!v.is_object()) throw BadLine{"\"verification\" is not an object"};
  Verification out;
  const std::string status = text(v, "status");
  if (status == "active")
    out.status = Verification::Status::active;
  else if (status == "inactive")
    out.status = Verification::Status::inactive;
  else if (status == "unknown")
    out.status = Verification::Status::unknown;
  else
    throw BadLine{"\"verification.status\" is not active, inactive or unknown"};
  out.environment = text_or_empty(v, "environment");
  if (auto it = v.find("scopes"); it != v.end() && !it->is_null()) {
    if (!it->is_array()) throw BadLine{"\"verification.scopes\" is not an array"};
    std::vector<std::string> scopes;
    for (const json& s : *it) {
      if (!s.is_string()) throw BadLine{"\"verification.scopes\" holds a non-string"};
      scopes.push_back(s.get<std::string>());
    }
    out.scopes = std::move(scopes);
  }
  out.expires = optional_text(v, "expires");
  out.owner = optional_text(v, "owner");
  out.name = optional_text(v, "name");
  out.detail = text_or_empty(v, "detail");
  return out;
}

Finding finding(const json& j, bool keep_secrets) {
  Finding f;
  f.rule_id = text(j, "rule_id");
  f.token_type = text(j, "token_type");
  f.severity = severity(j, "severity");
  const json& reasons = field(j, "reasons");
  if (!reasons.is_array()) throw BadLine{"\"reasons\" is not an array"};
  for (const json& r : reasons) {
    if (!r.is_string()) throw BadLine{"\"reasons\" holds a non-string"};
    f.reasons.push_back(r.get<std::string>());
  }
  f.path = text(j, "path");
  f.line = number(j, "line");
  f.column = number(j, "column");
  f.end_line = number(j, "end_line");
  f.end_column = number(j, "end_column");
  f.token_id = text_or_empty(j, "token_id");
  f.redacted = text(j, "redacted");
  f.fingerprint = text(j, "fingerprint");
  const std::string decoded = text_or_empty(j, "decoded");
  if (decoded == "base64")
    f.decoded = Decoding::base64;
  else if (decoded == "percent")
    f.decoded = Decoding::percent;
  else if (!decoded.empty())
    throw BadLine{"\"decoded\" is not base64, percent or null"};
  f.commit = optional_text(j, "commit");
  f.repository = optional_text(j, "repository");
  if (auto it = j.find("in_head"); it != j.end()) {
    if (!it->is_boolean()) throw BadLine{"\"in_head\" is not true or false"};
    f.in_head = it->get<bool>();
  }
  if (auto it = j.find("verification"); it != j.end()) f.verification = verification(*it);
  if (auto it = j.find("state"); it != j.end()) {
    if (!it->is_string() || (*it != "new" && *it != "known")) throw BadLine{"\"state\" is not new or known"};
    f.audit_state = it->get<std::string>();
  }
  if (keep_secrets) f.secret = text_or_empty(j, "secret");
  return f;
}

Summary summary(const json& j) {
  if (!j.is_object()) throw BadLine{"\"summary\" is not an object"};
  Summary s;
  s.files_scanned = number(j, "files_scanned");
  s.bytes_scanned = number(j, "bytes_scanned");
  s.files_skipped = number(j, "files_skipped");
  s.errors = number(j, "errors");
  s.suppressed = number(j, "suppressed");
  s.by_severity = severity_counts(j);
  auto repos = j.find("repositories");
  if (repos == j.end()) return s; // a scan or git report: no audit table
  if (!repos->is_array()) throw BadLine{"\"repositories\" is not an array"};
  AuditSummary audit;
  for (const json& r : *repos) {
    if (!r.is_object()) throw BadLine{"a repository row is not an object"};
    RepositorySummary row;
    row.repository = text(r, "repository");
    row.commits = number(r, "commits");
    row.blobs = number(r, "blobs");
    row.worktree_files = number(r, "worktree_files");
    row.by_severity = severity_counts(r);
    row.error = text_or_empty(r, "error");
    audit.repositories.push_back(std::move(row));
  }
  const json& interrupted = field(j, "interrupted");
  if (!interrupted.is_boolean()) throw BadLine{"\"interrupted\" is not true or false"};
  audit.interrupted = interrupted.get<bool>();
  if (auto shard = j.find("shard"); shard != j.end()) {
    if (!shard->is_object()) throw BadLine{"\"shard\" is not an object"};
    const uint64_t index = number(*shard, "index"), count = number(*shard, "count");
    if (index < 1 || index > count || count > 10000) throw BadLine{"\"shard\" is not K of N with 1 <= K <= N"};
    audit.shard = ShardId{static_cast<unsigned>(index), static_cast<unsigned>(count)};
  }
  s.audit = std::move(audit);
  return s;
}

} // namespace

Finding finding_from_json(const nlohmann::json& j, bool keep_secrets) {
  try {
    if (!j.is_object()) throw BadLine{"not a JSON object"};
    return finding(j, keep_secrets);
  } catch (const BadLine& e) {
    throw std::invalid_argument(e.what);
  }
}

Report read_jsonl_report(std::istream& in, const std::string& origin, bool keep_secrets) {
  Report report;
  bool have_summary = false;
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto bad = [&](const std::string& what) {
      return FatalError(fmt::format("'{}' line {}: {}", printable(origin), n, what));
    };
    if (have_summary) throw bad("a line after the summary line (not one dtscan jsonl report)");
    json j;
    try {
      j = json::parse(line);
    } catch (const std::exception& e) {
      // Only the position: the parser's "last read" excerpt would quote the line.
      const std::string reason = json_error_text(e);
      throw bad(fmt::format("not JSON ({}); a report cut short, or not a dtscan jsonl report",
                            reason.substr(0, reason.find(':'))));
    }
    try {
      if (!j.is_object()) throw BadLine{"not a JSON object"};
      if (auto s = j.find("summary"); s != j.end()) {
        report.summary = summary(*s);
        have_summary = true;
      } else {
        report.findings.push_back(finding(j, keep_secrets));
      }
    } catch (const BadLine& e) {
      throw bad(fmt::format("not a dtscan jsonl line: {}", e.what));
    }
  }
  if (in.bad()) throw FatalError(fmt::format("cannot read '{}'", printable(origin)));
  if (!have_summary)
    throw FatalError(fmt::format("'{}' has no summary line: the run that wrote it did not finish", printable(origin)));
  return report;
}

} // namespace dtscan
