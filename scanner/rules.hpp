// Rule data: the rules of rules/dynatrace.json (compiled in) plus any --rules FILE, and the
// classification data (placeholder shapes, documentation examples, environment URLs, token types) that
// the classifier reads instead of literals in code. Loading validates everything up front.
#pragma once

#include "scanner/finding.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dtscan {

struct Keyword {
  std::string text;
  bool case_insensitive = false;
};

struct RuleExample {
  std::string input;                // may hold @@...@@ fake-token templates (see fake_tokens.hpp)
  std::optional<Severity> severity; // expected severity, when the example states one
};

struct Rule {
  std::string id;
  std::string name;
  std::string short_description;
  std::string full_description;
  std::string help; // remediation, markdown
  int priority = 0; // higher wins when findings of several rules overlap
  std::vector<Keyword> keywords;
  std::string pattern;         // RE2; the named group "secret" is the reported span
  std::string not_followed_by; // optional RE2, tried anchored right after the secret
  // The loader's compiled forms of pattern and not_followed_by, kept so that the matcher does not compile
  // them again (a counted repetition like {1,512} costs milliseconds of a pre-commit hook's start-up).
  std::shared_ptr<const re2::RE2> compiled_pattern, compiled_not_followed_by;
  bool word_boundary = true;                 // the value may not touch a boundary character on either side
  std::string boundary_chars = "A-Za-z0-9_"; // the characters that would extend the value
  Severity severity = Severity::high;        // for custom rules: the severity of every finding
  std::string security_severity;             // SARIF number string, e.g. "8.0"
  std::vector<std::string> tags;
  std::vector<RuleExample> examples;
  std::vector<RuleExample> negative_examples;
  bool builtin = false;
};

// A token prefix family: dt0c01, dt0s01..09, ... and the generic fallback (prefix "*").
struct TokenType {
  std::vector<std::string> prefixes;  // exact prefixes like "dt0c01"; "*" is the fallback for any other
  std::vector<size_t> public_lengths; // accepted public-part lengths; empty: any length 1..64
  size_t secret_length = 64;          // 0: no secret part (dt0a02)
  std::string public_alphabet;        // "base32", "hex", "alnum", "envid"
  std::string secret_alphabet;
  bool strong = true; // strong: high without environment; weak: medium without
  // Secret lengths of a part the type does not have (dt0a02.<24>.<64>): reported as malformed, not dropped.
  std::vector<size_t> malformed_secret_lengths;
};

struct Classification {
  std::vector<TokenType> token_types;
  std::vector<std::string> doc_example_public_parts;    // the documentation example's public part(s)
  std::vector<std::string> doc_example_secret_prefixes; // and its secret prefix(es)
  size_t doc_example_max_distance = 3;                  // mutations still recognised (Hamming distance)
  std::vector<std::string> doc_placeholder_values;      // other documentation placeholder values
  std::vector<std::string> placeholder_patterns;        // RE2, full match: a value that is a placeholder
  std::vector<std::string> masked_patterns;             // RE2, full match: a redacted / masked value
  std::vector<std::string> masked_secret_patterns;   // RE2, full match: a dt0 token's masked secret part (*, <hidden>)
  std::vector<std::string> identifier_patterns;      // RE2, full match: a legacy-length value that is a name
  std::vector<std::string> filler_patterns;          // RE2, full match: a filler token part (XXXX, ABC)
  std::vector<std::string> environment_url_patterns; // RE2 with a named group "host"
  std::vector<std::string> environment_url_keywords; // literals; env patterns are tried only near them
  std::vector<std::string> non_environment_hosts;    // hosts that never count as an environment
  std::vector<std::string> test_path_patterns;       // RE2, partial match on the path
  std::vector<std::string> invisible_characters;     // UTF-8 sequences a scan also looks through (U+200B)
  size_t unknown_value_min_length = 16; // an unrecognised api-token= value this long is "probably a secret"
  // Placeholder shapes of a token part (classify.cpp): a filler word inside it, a short period, runs
  // (AAAA, 0000, ABCD, 4321) covering run_percent of it, or fewer distinct characters than
  // distinct_percent of min(length, alphabet size). Random values, edited or not, have none of these.
  std::vector<std::string> placeholder_words;
  size_t placeholder_run_length = 4;
  size_t placeholder_run_percent = 50;
  size_t placeholder_max_period = 16;
  size_t placeholder_distinct_percent = 40;
  size_t short_filler_max_length = 12; // a wrong-length part this short and letters only is filler (ABC, SHORT)
};

struct RuleSet {
  std::vector<Rule> rules;
  Classification classification;
  const Rule* find(std::string_view id) const;
};

// The built-in rule file's text (generated at build time from rules/dynatrace.json).
std::string_view embedded_rules_json();

// Parses and validates a rule file. `origin` names it in errors. Throws FatalError with a one-line
// message on malformed JSON, a missing field, a duplicate id or an invalid RE2 pattern.
RuleSet parse_rules(std::string_view json_text, std::string_view origin);

// The built-in rules plus the rules of each extra file (their classification data, if any, is ignored).
RuleSet load_rules(const std::vector<std::string>& extra_files);

} // namespace dtscan
