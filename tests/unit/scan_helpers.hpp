// Shared by the unit tests: the built-in rules, an engine over them, and a one-call scan of a template
// text (fake tokens expanded with a fixed seed).
#pragma once

#include "scanner/fake_tokens.hpp"
#include "scanner/file_scan.hpp"
#include "scanner/rules.hpp"

#include <string>
#include <vector>

namespace dtscan::test {

inline const RuleSet& builtin_rules() {
  static const RuleSet rules = load_rules({});
  return rules;
}

inline const ScanEngine& engine(DecodeMode decode = DecodeMode::on) {
  static const ScanEngine on(builtin_rules(), DecodeMode::on, SecretDisplay::shown);
  static const ScanEngine off(builtin_rules(), DecodeMode::off, SecretDisplay::shown);
  return decode == DecodeMode::on ? on : off;
}

inline std::vector<Finding> scan(const std::string& text, const std::string& path = "src/app.txt",
                                 DecodeMode decode = DecodeMode::on) {
  FileScanner scanner(engine(decode));
  return scanner.scan_bytes(text, path).findings;
}

inline std::string fake(const std::string& tmpl, const std::string& seed = "unit") {
  return expand_fake_tokens(tmpl, seed);
}

} // namespace dtscan::test
