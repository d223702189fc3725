// The settings record of audit_settings.hpp. Digests of the rule files, not their paths: the same rules
// at another path are the same audit, edited rules at the same path are not.
#include "scanner/audit_settings.hpp"

#include "scanner/error.hpp"
#include "scanner/printable.hpp"
#include "scanner/rules.hpp"
#include "scanner/sha256.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <set>

namespace dtscan {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw FatalError(fmt::format("cannot read '{}'", printable(path)));
  return text;
}

} // namespace

std::string audit_settings(const Options& o) {
  std::string rules(embedded_rules_json());
  for (const std::string& file : o.rule_files)
    rules += '\n' + sha256_hex(file_text(file));
  nlohmann::json s = {
      {"version", DTSCAN_VERSION},
      {"rules", sha256_hex(rules)},
      {"exclude", o.excludes},
      {"max_file_size", o.max_file_size ? nlohmann::json(*o.max_file_size) : nlohmann::json()},
      {"no_decode", o.no_decode},
      {"respect_gitignore", o.respect_gitignore},
      {"no_repo_config", o.no_repo_config},
  };
  return s.dump();
}

std::string differing_setting(const std::string& recorded, const std::string& now) {
  if (recorded == now) return "";
  const nlohmann::json a = nlohmann::json::parse(recorded, nullptr, false);
  const nlohmann::json b = nlohmann::json::parse(now, nullptr, false);
  if (!a.is_object() || !b.is_object()) return "settings";
  // "baseline" was recorded by 0.1.0 states before baselines were applied at report time: not a setting.
  static const std::set<std::string> retired = {"baseline"};
  std::set<std::string> keys;
  for (const auto& [k, v] : a.items())
    if (!retired.count(k)) keys.insert(k);
  for (const auto& [k, v] : b.items())
    keys.insert(k);
  for (const std::string& k : keys)
    if (!a.contains(k) || !b.contains(k) || a[k] != b[k]) return k;
  return ""; // equal but for retired keys
}

} // namespace dtscan
