// The SARIF 2.1.0 report for GitHub code scanning and other SARIF viewers (SPEC §5). It must pass the
// Microsoft SARIF multitool (tests/tools/validate-sarif.sh) and never carry a secret in a message.
#include "scanner/report/json_common.hpp"
#include "scanner/report/writers.hpp"
#include "scanner/sha256.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

namespace dtscan {

using nlohmann::ordered_json;

namespace {

constexpr std::string_view k_information_uri = "https://github.com/dtscan/dtscan";

std::string_view sarif_level(Severity s) {
  switch (s) {
  case Severity::critical:
  case Severity::high: return "error";
  case Severity::medium: return "warning";
  case Severity::low:
  case Severity::info: return "note";
  }
  return "note";
}

// GitHub code scanning ranks an alert by its rule's security-severity (> 9.0 critical, 7.0-8.9 high,
// 4.0-6.9 medium, below low), not by the result's level, so each severity dtscan gives gets a number in
// GitHub's band of the same name.
std::string_view default_security_severity(Severity s) {
  switch (s) {
  case Severity::critical: return "9.5";
  case Severity::high: return "8.0";
  case Severity::medium: return "5.5";
  case Severity::low: return "3.0";
  case Severity::info: return "1.0";
  }
  return "1.0";
}

constexpr std::string_view k_default_help =
    "Revoke the token in Dynatrace under **Access tokens** (or with the Tokens API), create a replacement with "
    "the smallest scopes needed, store it in a secret manager, and purge the leaked value from git history "
    "and CI logs.";

// RFC 3986 relative reference: unreserved bytes and '/' stay, every other byte becomes %XX. That covers
// invalid UTF-8, spaces, '%', '#', '?', control bytes, and a ':' that would otherwise read as a scheme.
std::string percent_encode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '/';
    if (keep)
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// A path as a SARIF artifact URI: relative paths stay relative (to %SRCROOT%), absolute ones become
// file:// URIs, since a relative reference may not start with '/' (SARIF1004).
std::string artifact_uri(std::string_view path) {
  if (!path.empty() && path.front() == '/') return "file://" + percent_encode_path(path);
  return percent_encode_path(path);
}

// A report path as the path SARIF gives: relative to ctx.sarif_root where it lies under it, else absolute.
std::string sarif_path(const std::string& path, const ReportContext& ctx) {
  namespace fs = std::filesystem;
  if (ctx.sarif_root.empty() || ctx.sarif_base.empty() || path.empty() || path == "-") return path;
  const fs::path absolute = (path.front() == '/' ? fs::path(path) : fs::path(ctx.sarif_base) / path).lexically_normal();
  const fs::path relative = absolute.lexically_relative(fs::path(ctx.sarif_root).lexically_normal());
  const std::string rel = relative.generic_string();
  if (rel.empty() || rel == "." || rel == ".." || rel.starts_with("../")) return absolute.generic_string();
  return rel;
}

// SHA-256 of "fingerprint:rule_id:path" (path last, so no separator ambiguity): stable across runs and
// line moves, like the baseline key; GitHub tracks an alert across commits by it.
std::string stable_id(const Finding& f) {
  const std::string path = f.repository ? *f.repository + "/" + f.path : f.path; // audit: per repository
  return sha256_hex(fmt::format("{}:{}:{}", f.fingerprint, f.rule_id, path));
}

// help.text is plain text: drop the markdown emphasis and code marks of help.markdown.
std::string plain_text(std::string_view markdown) {
  std::string out;
  for (size_t i = 0; i < markdown.size(); ++i) {
    if (markdown[i] == '`') continue;
    if (markdown.substr(i, 2) == "**") {
      ++i;
      continue;
    }
    out += markdown[i];
  }
  return out;
}

ordered_json rule_descriptor(const Rule& r) {
  const std::string short_text = r.short_description.empty() ? r.id : r.short_description;
  const std::string full_text = r.full_description.empty() ? short_text : r.full_description;
  const std::string help = r.help.empty() ? std::string(k_default_help) : r.help;
  std::vector<std::string> tags = r.tags;
  if (std::find(tags.begin(), tags.end(), "security") == tags.end()) tags.emplace_back("security");
  ordered_json d;
  d["id"] = r.id;
  d["name"] = r.name.empty() ? r.id : r.name;
  d["shortDescription"] = {{"text", short_text}};
  d["fullDescription"] = {{"text", full_text}};
  d["help"] = {{"text", plain_text(help)}, {"markdown", help}};
  d["defaultConfiguration"] = {{"level", sarif_level(r.severity)}};
  d["properties"] = {{"tags", tags},
                     {"security-severity", r.security_severity.empty()
                                               ? std::string(default_security_severity(r.severity))
                                               : r.security_severity}};
  return d;
}

// The descriptor results of one severity point at: "<rule>/<severity>", ranked by that severity. The
// rule's own descriptor (listed too, with the rule's default severity) keeps the plain id.
ordered_json severity_descriptor(const Rule& r, Severity s) {
  ordered_json d = rule_descriptor(r);
  d["id"] = fmt::format("{}/{}", r.id, to_string(s));
  std::string name = r.name.empty() ? r.id : r.name;
  std::string word(to_string(s));
  word[0] = static_cast<char>(word[0] - 'a' + 'A');
  d["name"] = name + word;
  d["shortDescription"]["text"] = fmt::format("{} ({})", d["shortDescription"]["text"].get<std::string>(), word);
  d["defaultConfiguration"] = {{"level", sarif_level(s)}};
  d["properties"]["security-severity"] = default_security_severity(s);
  return d;
}

// A finding whose rule is not in the rule set (should not happen) still gets a descriptor, so that every
// result's ruleIndex points at a rule.
Rule fallback_rule(const Finding& f) {
  Rule r;
  r.id = f.rule_id;
  r.name = f.rule_id;
  r.short_description = "Dynatrace credential";
  r.severity = f.severity;
  return r;
}

std::string message_text(const Finding& f, const Rule& r) {
  const std::string shown = f.redacted.empty() ? f.token_id : f.redacted;
  const std::string what = r.short_description.empty() ? r.id : r.short_description;
  return fmt::format("{}: {} ({}; {}: {}).", what, shown, f.token_type, to_string(f.severity),
                     fmt::join(f.reasons, ", "));
}

ordered_json result_object(const Finding& f, const Rule& r, const std::string& descriptor_id, size_t rule_index,
                           const ReportContext& ctx) {
  ordered_json region;
  region["startLine"] = f.line;
  region["startColumn"] = f.char_column ? f.char_column : f.column;
  region["endLine"] = f.end_line;
  region["endColumn"] = f.char_end_column ? f.char_end_column : f.end_column;

  // audit: a repository's path (relative to the audited root) comes before the path in the repository.
  const bool in_repository = f.repository && *f.repository != "." && !f.repository->empty();
  const std::string path = sarif_path(in_repository ? *f.repository + "/" + f.path : f.path, ctx);
  ordered_json location;
  location["physicalLocation"] = {
      {"artifactLocation", path.empty() || path.front() != '/'
                               ? ordered_json{{"uri", artifact_uri(path)}, {"uriBaseId", "%SRCROOT%"}}
                               : ordered_json{{"uri", artifact_uri(path)}}},
      {"region", std::move(region)}};

  ordered_json props;
  props["severity"] = to_string(f.severity);
  props["reasons"] = f.reasons;
  props["token_type"] = f.token_type;
  props["token_id"] = f.token_id.empty() ? ordered_json(nullptr) : ordered_json(f.token_id);
  props["redacted"] = f.redacted;
  if (f.decoded != Decoding::none) props["decoded"] = to_string(f.decoded);
  if (f.commit) props["commit"] = *f.commit;
  if (f.repository) props["repository"] = *f.repository;
  if (f.in_head) props["in_head"] = *f.in_head;
  if (f.verification) props["verification"] = verification_to_json(*f.verification);
  if (ctx.show_secrets && !f.secret.empty()) props["secret"] = f.secret;

  ordered_json res;
  res["ruleId"] = descriptor_id;
  res["ruleIndex"] = rule_index;
  res["level"] = sarif_level(f.severity);
  res["message"] = {{"text", message_text(f, r)}};
  res["locations"] = ordered_json::array({std::move(location)});
  res["partialFingerprints"] = {{"dtscan/v1", stable_id(f)}};
  res["properties"] = std::move(props);
  return res;
}

} // namespace

void write_sarif(std::ostream& out, const Report& report, const ReportContext& ctx) {
  // Every rule of the set once, in order, plus any rule a finding names that the set lacks; then one
  // descriptor per (rule, severity) that a result uses, in order of first use.
  std::vector<Rule> rules = ctx.rules ? ctx.rules->rules : std::vector<Rule>{};
  auto index_of = [&](const std::string& id) -> size_t {
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules[i].id == id) return i;
    return rules.size();
  };
  std::vector<size_t> rule_of; // per finding: its rule in `rules`
  rule_of.reserve(report.findings.size());
  for (const Finding& f : report.findings) {
    size_t i = index_of(f.rule_id);
    if (i == rules.size()) rules.push_back(fallback_rule(f));
    rule_of.push_back(i);
  }
  ordered_json descriptors = ordered_json::array();
  for (const Rule& r : rules)
    descriptors.push_back(rule_descriptor(r));
  std::vector<std::pair<size_t, Severity>> variants; // (rule, severity) -> descriptors[rules.size() + k]
  std::vector<size_t> descriptor_of;
  descriptor_of.reserve(report.findings.size());
  for (size_t k = 0; k < report.findings.size(); ++k) {
    std::pair<size_t, Severity> key{rule_of[k], report.findings[k].severity};
    auto it = std::find(variants.begin(), variants.end(), key);
    if (it == variants.end()) {
      variants.push_back(key);
      descriptors.push_back(severity_descriptor(rules[key.first], key.second));
      it = variants.end() - 1;
    }
    descriptor_of.push_back(rules.size() + static_cast<size_t>(it - variants.begin()));
  }

  ordered_json results = ordered_json::array();
  for (size_t k = 0; k < report.findings.size(); ++k) {
    const size_t d = descriptor_of[k];
    results.push_back(
        result_object(report.findings[k], rules[rule_of[k]], descriptors[d]["id"].get<std::string>(), d, ctx));
  }

  ordered_json driver;
  driver["name"] = "dtscan";
  driver["version"] = ctx.version;
  driver["semanticVersion"] = ctx.version;
  driver["informationUri"] = k_information_uri;
  driver["rules"] = std::move(descriptors);

  ordered_json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["automationDetails"] = {{"id", ctx.sarif_category + "/"}};
  if (!ctx.sarif_root.empty()) {
    std::string root = ctx.sarif_root;
    if (root.back() != '/') root += '/';
    run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", artifact_uri(root)}}}};
  }
  run["results"] = std::move(results);
  // SARIF has no byte column kind: regions use Finding::char_column (code points, computed by the file
  // scanner), while the JSON report keeps byte columns.
  run["columnKind"] = "unicodeCodePoints";

  ordered_json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = ordered_json::array({std::move(run)});
  out << dump_json(log, 2) << '\n';
  out.flush();
}

} // namespace dtscan
