// Baseline files: {"schema": "dtscan/baseline/v1", "findings": [{"fingerprint", "rule_id", "path"}]}.
#include "scanner/baseline.hpp"

#include "scanner/error.hpp"
#include "scanner/json_file.hpp"
#include "scanner/output.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dtscan {
namespace {

constexpr const char* schema = "dtscan/baseline/v1";

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

} // namespace

Baseline::Key Baseline::key_of(const Finding& f) {
  return {f.fingerprint, f.rule_id, json_normalized(std::string(root_relative_path(f)))};
}

Baseline Baseline::from_findings(const std::vector<Finding>& findings) {
  Baseline b;
  for (const auto& f : findings)
    b.m_keys.insert(key_of(f));
  return b;
}

bool Baseline::contains(const Finding& f) const {
  return m_keys.count(key_of(f)) != 0;
}

Baseline Baseline::parse(const std::string& json_text, const std::string& origin) {
  auto fail = [&](const std::string& what) { throw FatalError(fmt::format("invalid baseline {}: {}", origin, what)); };
  const nlohmann::json doc = parse_json(json_text, "baseline", origin);
  if (!doc.is_object()) fail("the top level must be an object");
  auto s = doc.find("schema");
  if (s == doc.end() || !s->is_string() || *s != schema) fail(fmt::format("\"schema\" must be \"{}\"", schema));
  auto list = doc.find("findings");
  if (list == doc.end() || !list->is_array()) fail("\"findings\" must be an array");
  Baseline b;
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& e = (*list)[i];
    auto field = [&](const char* name) -> std::string {
      auto it = e.is_object() ? e.find(name) : e.end();
      if (it == e.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
        fail(fmt::format("findings[{}]: \"{}\" must be a non-empty string", i, name));
      return it->get<std::string>();
    };
    std::string fingerprint = field("fingerprint");
    if (!is_sha256_hex(fingerprint))
      fail(fmt::format("findings[{}]: \"fingerprint\" must be 64 lowercase hex digits", i));
    b.m_keys.emplace(std::move(fingerprint), field("rule_id"), field("path"));
  }
  return b;
}

Baseline Baseline::load(const std::string& path) {
  return parse(read_text_file(path, "baseline"), path);
}

std::string Baseline::to_json() const {
  nlohmann::ordered_json doc;
  doc["schema"] = schema;
  doc["findings"] = nlohmann::ordered_json::array();
  for (const auto& [fingerprint, rule, path] : m_keys) {
    nlohmann::ordered_json e;
    e["fingerprint"] = fingerprint;
    e["rule_id"] = rule;
    e["path"] = path;
    doc["findings"].push_back(std::move(e));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void Baseline::write(const std::string& path) const {
  ReportOutput out(path, "baseline");
  out.stream() << to_json();
  out.commit();
}

} // namespace dtscan
