// Example checking and listing for the `rules` command. Examples hold @@...@@ templates that are
// expanded into fresh fake tokens here, so the rule file itself holds no token-shaped string.
#include "scanner/rules_check.hpp"

#include "scanner/fake_tokens.hpp"
#include "scanner/file_scan.hpp"

#include <fmt/format.h>

namespace dtscan {
namespace {

std::string describe(const std::vector<Finding>& findings) {
  if (findings.empty()) return "no finding";
  std::string out;
  for (const auto& f : findings)
    out += fmt::format("{}{} {} {}", out.empty() ? "" : "; ", f.rule_id, to_string(f.severity), f.redacted);
  return out;
}

} // namespace

size_t check_rule_examples(const RuleSet& rules, std::ostream& out) {
  ScanEngine engine(rules, DecodeMode::on, SecretDisplay::redacted);
  FileScanner scanner(engine);
  size_t failures = 0, checked = 0;
  for (const auto& rule : rules.rules) {
    auto run = [&](const RuleExample& ex, size_t index, bool positive) {
      ++checked;
      std::string input = expand_fake_tokens(ex.input, fmt::format("{}#{}#{}", rule.id, positive ? "+" : "-", index));
      FileOutcome outcome = scanner.scan_bytes(input, "example.txt");
      bool ok;
      if (positive) {
        ok = false;
        for (const auto& f : outcome.findings)
          if (f.rule_id == rule.id && (!ex.severity || f.severity == *ex.severity)) ok = true;
      } else {
        ok = true;
        for (const auto& f : outcome.findings)
          if (f.rule_id == rule.id) ok = false;
      }
      if (!ok) {
        ++failures;
        out << fmt::format(
            "FAIL {} {} example {}: {}\n  expected {}{}\n  found: {}\n", rule.id, positive ? "positive" : "negative",
            index + 1, ex.input, positive ? "a finding" : "no finding of this rule",
            ex.severity ? fmt::format(" at severity {}", to_string(*ex.severity)) : "", describe(outcome.findings));
      }
    };
    for (size_t i = 0; i < rule.examples.size(); ++i)
      run(rule.examples[i], i, true);
    for (size_t i = 0; i < rule.negative_examples.size(); ++i)
      run(rule.negative_examples[i], i, false);
  }
  out << fmt::format("rules --check: {} examples, {} passed, {} failed\n", checked, checked - failures, failures);
  return failures;
}

void list_rules(const RuleSet& rules, std::ostream& out) {
  for (const auto& r : rules.rules) {
    std::string keywords;
    for (const auto& k : r.keywords)
      keywords += (keywords.empty() ? "" : ",") + k.text;
    out << fmt::format("{:<24} priority {:>3}  {}  [{}]{}\n", r.id, r.priority, r.short_description, keywords,
                       r.builtin ? "" : " (custom)");
  }
}

} // namespace dtscan
