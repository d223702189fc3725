// Severity and reasons for each rule's matches (SPEC §2). All lists and thresholds come from the rule
// file's "classification" section; the code only says in which order they are consulted.
#include "scanner/classify.hpp"

#include "scanner/sha256.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace dtscan {
namespace {

const std::string rule_token = "dynatrace-token";
const std::string rule_url = "dynatrace-token-in-url";
const std::string rule_legacy = "dynatrace-legacy-token";
const std::string rule_id_only = "dynatrace-token-id";

std::vector<std::unique_ptr<re2::RE2>> compile_all(const std::vector<std::string>& patterns) {
  RE2::Options opts;
  opts.set_log_errors(false);
  std::vector<std::unique_ptr<re2::RE2>> out;
  for (const auto& p : patterns)
    out.push_back(std::make_unique<re2::RE2>(p, opts));
  return out;
}

bool all_of(std::string_view s, bool (*pred)(unsigned char)) {
  return std::all_of(s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}
size_t count_not(std::string_view s, bool (*pred)(unsigned char)) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [pred](char c) { return !pred(static_cast<unsigned char>(c)); }));
}
bool is_base32(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}
bool is_hex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_alnum(unsigned char c) {
  return std::isalnum(c) != 0;
}
bool is_envid(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_legacy_char(unsigned char c) {
  return std::isalnum(c) != 0 || c == '_' || c == '-';
}

bool (*alphabet(const std::string& name))(unsigned char) {
  if (name == "hex") return is_hex;
  if (name == "alnum") return is_alnum;
  if (name == "envid") return is_envid;
  return is_base32;
}

size_t alphabet_size(const std::string& name) {
  if (name == "hex") return 16;
  if (name == "alnum") return 62;
  if (name == "envid") return 36;
  return 32;
}

char lower_ascii(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Characters covered by runs of at least min_len where each step is +1, 0 or -1 (AAAA, 0000, ABCD, 4321).
size_t run_coverage(std::string_view s, size_t min_len) {
  size_t covered = 0, start = 0;
  int step = 2; // no step yet
  for (size_t i = 1; i <= s.size(); ++i) {
    int d = i < s.size() ? lower_ascii(s[i]) - lower_ascii(s[i - 1]) : 2;
    bool extends = d >= -1 && d <= 1 && (i - start == 1 || d == step);
    if (extends) {
      step = d;
      continue;
    }
    if (i - start >= min_len) covered += i - start;
    // A new run starts at i - 1 when this step could begin one, else at i.
    start = d >= -1 && d <= 1 ? i - 1 : i;
    step = d;
  }
  return covered;
}

bool has_short_period(std::string_view s, size_t max_period) {
  for (size_t p = 1; p <= max_period && 2 * p <= s.size(); ++p) {
    bool periodic = true;
    for (size_t i = p; i < s.size() && periodic; ++i)
      periodic = lower_ascii(s[i]) == lower_ascii(s[i - p]);
    if (periodic) return true;
  }
  return false;
}

size_t distinct_chars(std::string_view s) {
  std::array<bool, 256> seen{};
  size_t n = 0;
  for (char c : s)
    if (!seen[static_cast<unsigned char>(c)]) {
      seen[static_cast<unsigned char>(c)] = true;
      ++n;
    }
  return n;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return !needle.empty() &&
         std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower_ascii(a) == lower_ascii(b); }) != haystack.end();
}

bool one_repeated_char(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return std::tolower(c) == std::tolower(s[0]); });
}

size_t distance(std::string_view a, std::string_view b) {
  size_t d = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    d += (a[i] != b[i]);
  return d + (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size());
}

bool equals_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace

std::string token_id_of(std::string_view value) {
  auto first = value.find('.');
  if (first == std::string_view::npos) return {};
  std::string_view prefix = value.substr(0, first);
  // dt0a02 tenant tokens have no public part: the part after the prefix is (part of) the secret.
  if (prefix == "dt0a02") return std::string(prefix);
  auto second = value.find('.', first + 1);
  if (second == std::string_view::npos) return std::string(value); // an identifier alone
  return std::string(value.substr(0, second));
}

std::string redact(std::string_view value, std::string_view token_id) {
  if (!token_id.empty()) return std::string(token_id) + ".****";
  return std::string(value.substr(0, std::min<size_t>(3, value.size()))) + "****";
}

Classifier::Classifier(const RuleSet& rules)
    : m_rules(rules), m_placeholder(compile_all(rules.classification.placeholder_patterns)),
      m_masked(compile_all(rules.classification.masked_patterns)),
      m_masked_secret(compile_all(rules.classification.masked_secret_patterns)),
      m_identifier(compile_all(rules.classification.identifier_patterns)),
      m_filler(compile_all(rules.classification.filler_patterns)),
      m_test_path(compile_all(rules.classification.test_path_patterns)) {}

Classifier::~Classifier() = default;

bool Classifier::any_full_match(const std::vector<std::unique_ptr<re2::RE2>>& res, std::string_view s) const {
  re2::StringPiece text(s.data(), s.size());
  return std::any_of(res.begin(), res.end(), [&](const auto& re) { return RE2::FullMatch(text, *re); });
}

bool Classifier::is_test_path(std::string_view path) const {
  re2::StringPiece text(path.data(), path.size());
  return std::any_of(m_test_path.begin(), m_test_path.end(),
                     [&](const auto& re) { return RE2::PartialMatch(text, *re); });
}

std::optional<Classifier::TokenParts> Classifier::split_token(std::string_view value) {
  auto first = value.find('.');
  if (first == std::string_view::npos || value.substr(0, 3) != "dt0") return std::nullopt;
  TokenParts t;
  t.prefix = value.substr(0, first);
  auto second = value.find('.', first + 1);
  if (second == std::string_view::npos) {
    t.public_part = value.substr(first + 1);
  } else {
    t.public_part = value.substr(first + 1, second - first - 1);
    t.secret_part = value.substr(second + 1);
    t.has_secret = true;
  }
  if (t.public_part.empty() || (t.has_secret && t.secret_part.empty())) return std::nullopt;
  // A secret part of dots ("dt0c01.<id>....") is an ellipsis, not a fourth part.
  if (auto third = t.secret_part.find('.'); third != std::string_view::npos && third > 0) {
    t.extra_part = true; // a mutation such as the documentation example with a fourth part
    t.secret_part = t.secret_part.substr(0, third);
  }
  return t;
}

const TokenType& Classifier::token_type(std::string_view prefix) const {
  const TokenType* fallback = nullptr;
  for (const auto& t : m_rules.classification.token_types)
    for (const auto& p : t.prefixes) {
      if (p == prefix) return t;
      if (p == "*") fallback = &t;
    }
  static const TokenType generic{{"*"}, {8, 24}, 64, "base32", "base32", false};
  return fallback ? *fallback : generic;
}

bool Classifier::is_doc_example(const TokenParts& t) const {
  const auto& c = m_rules.classification;
  for (const auto& pub : c.doc_example_public_parts)
    if (t.public_part.size() >= pub.size() - c.doc_example_max_distance &&
        distance(t.public_part, pub) <= c.doc_example_max_distance)
      return true;
  if (t.has_secret)
    for (const auto& prefix : c.doc_example_secret_prefixes)
      if (t.secret_part.size() >= prefix.size() &&
          distance(t.secret_part.substr(0, prefix.size()), prefix) <= c.doc_example_max_distance)
        return true;
  return false;
}

bool Classifier::is_filler(std::string_view part) const {
  return one_repeated_char(part) || any_full_match(m_filler, part);
}

bool Classifier::is_placeholder_shape(std::string_view part, const std::string& alphabet_name) const {
  const auto& c = m_rules.classification;
  if (std::any_of(c.placeholder_words.begin(), c.placeholder_words.end(),
                  [&](const std::string& w) { return contains_ci(part, w); }))
    return true;
  if (has_short_period(part, c.placeholder_max_period)) return true;
  // Runs and diversity say little about a short part (an 8-character public part holds a run of four in
  // one random value of a few thousand): runs must cover two run lengths, diversity needs 16 characters.
  size_t covered = run_coverage(part, c.placeholder_run_length);
  if (covered >= 2 * c.placeholder_run_length && covered * 100 >= part.size() * c.placeholder_run_percent) return true;
  size_t span = std::min(part.size(), alphabet_size(alphabet_name));
  return part.size() >= 16 && distinct_chars(part) * 100 < span * c.placeholder_distinct_percent;
}

bool Classifier::is_short_filler(std::string_view part) const {
  return part.size() <= m_rules.classification.short_filler_max_length &&
         all_of(part, [](unsigned char ch) { return std::isalpha(ch) != 0; });
}

std::optional<Classifier::Verdict> Classifier::token_verdict(const TokenParts& t, bool environment) const {
  if (any_full_match(m_masked, t.public_part) ||
      (t.has_secret && (any_full_match(m_masked, t.secret_part) || any_full_match(m_masked_secret, t.secret_part))))
    return Verdict{Severity::info, {"masked"}};
  if (is_doc_example(t)) return Verdict{Severity::info, {"documentation-example"}};
  if (t.extra_part) return std::nullopt; // four parts: not a token
  if (is_filler(t.public_part) || (t.has_secret && is_filler(t.secret_part)))
    return Verdict{Severity::info, {"placeholder"}};
  const TokenType& type = token_type(t.prefix);
  bool public_ok = type.public_lengths.empty() ? t.public_part.size() <= 64
                                               : std::find(type.public_lengths.begin(), type.public_lengths.end(),
                                                           t.public_part.size()) != type.public_lengths.end();
  bool secret_ok = type.secret_length == 0 ? !t.has_secret : t.secret_part.size() == type.secret_length;
  if (public_ok && t.has_secret && type.secret_length == 0 &&
      std::find(type.malformed_secret_lengths.begin(), type.malformed_secret_lengths.end(), t.secret_part.size()) !=
          type.malformed_secret_lengths.end() &&
      all_of(t.secret_part, alphabet(type.secret_alphabet))) {
    // A part the type does not have (dt0a02.<24>.<64>): probably a real token in a shape dtscan does
    // not know, so reported like a token outside its alphabet.
    Verdict v{Severity::medium, {"malformed"}};
    if (!type.strong) v.reasons.push_back("limited-scope-token");
    if (environment) {
      v.severity = Severity::high;
      v.reasons.push_back("environment-url-in-file");
    }
    return v;
  }
  if (!public_ok || !secret_ok) {
    // Short words in place of a part (dt0c01.SHORT.SHORT) are filler; other wrong lengths are no token.
    if (is_short_filler(t.public_part) || (t.has_secret && is_short_filler(t.secret_part)))
      return Verdict{Severity::info, {"placeholder"}};
    return std::nullopt;
  }
  // Placeholders are decided by shape (words, repeats, runs, few distinct characters), not by how many
  // characters are outside the alphabet: random values from other generators are not filler. An
  // environment id (dt0a01's public part) is not random and is not judged.
  if ((type.public_alphabet != "envid" && is_placeholder_shape(t.public_part, type.public_alphabet)) ||
      (t.has_secret && is_placeholder_shape(t.secret_part, type.secret_alphabet)))
    return Verdict{Severity::info, {"placeholder"}};
  size_t invalid = count_not(t.public_part, alphabet(type.public_alphabet)) +
                   (t.has_secret ? count_not(t.secret_part, alphabet(type.secret_alphabet)) : 0);
  Verdict v{type.strong ? Severity::high : Severity::medium, {"well-formed"}};
  if (invalid > 0) {
    // Probably a hand-edited or differently generated real token: medium, one level up with an environment.
    v = Verdict{Severity::medium, {type.secret_alphabet == "base32" ? "non-base32-characters" : "invalid-characters"}};
    if (environment) {
      v.severity = Severity::high;
      v.reasons.push_back("environment-url-in-file");
    }
    return v;
  }
  if (!type.strong) v.reasons.push_back("limited-scope-token");
  if (environment) {
    v.severity = type.strong ? Severity::critical : Severity::high;
    v.reasons.push_back("environment-url-in-file");
  }
  return v;
}

std::optional<Classifier::Verdict> Classifier::legacy_verdict(std::string_view value, bool environment,
                                                              bool generic_context) const {
  const auto& c = m_rules.classification;
  for (const auto& doc : c.doc_placeholder_values)
    if (equals_ci(value, doc)) return Verdict{Severity::info, {"documentation-example"}};
  if (any_full_match(m_masked, value)) return Verdict{Severity::info, {"masked"}};
  if (any_full_match(m_identifier, value)) return std::nullopt; // a name such as testDynatraceAPIToken
  if (any_full_match(m_placeholder, value) || is_filler(value) || is_placeholder_shape(value, "alnum"))
    return Verdict{Severity::info, {"placeholder"}};
  // A key that other products use too (Authorization: api-token=..., X-Api-Token:) is no Dynatrace context
  // by itself: without an environment in the file the value must look like a legacy token (mixed case).
  if (generic_context && !environment &&
      !(std::any_of(value.begin(), value.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }) &&
        std::any_of(value.begin(), value.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; })))
    return std::nullopt;
  bool tenant = value.size() == 16;
  Verdict v{tenant ? Severity::medium : Severity::high, {"well-formed"}};
  if (tenant) v.reasons.push_back("limited-scope-token");
  if (environment) {
    v.severity = tenant ? Severity::high : Severity::critical;
    v.reasons.push_back("environment-url-in-file");
  }
  return v;
}

Classifier::Verdict Classifier::url_verdict(std::string_view value, std::string& type, std::string& id) const {
  const auto& c = m_rules.classification;
  if (any_full_match(m_masked, value)) return {Severity::info, {"token-in-url", "masked"}};
  if (auto t = split_token(value)) {
    if (auto v = token_verdict(*t, false)) {
      type = std::string(t->prefix);
      id = token_id_of(value);
      if (v->severity == Severity::info || (v->severity == Severity::medium && v->reasons[0] != "well-formed")) {
        v->reasons.insert(v->reasons.begin(), "token-in-url");
        return *v;
      }
      return {Severity::critical, {"token-in-url", "well-formed"}};
    }
  }
  if (any_full_match(m_placeholder, value) || is_filler(value)) return {Severity::low, {"token-in-url", "placeholder"}};
  if (value.size() == 21 && all_of(value, is_legacy_char) && !any_full_match(m_identifier, value)) {
    type = "legacy-api-token";
    return {Severity::critical, {"token-in-url", "well-formed"}};
  }
  if (value.size() >= c.unknown_value_min_length) return {Severity::medium, {"token-in-url", "unrecognized-value"}};
  return {Severity::low, {"token-in-url", "unrecognized-value"}};
}

bool Classifier::depends_on_environment(const RawMatch& match) const {
  const std::string& id = m_rules.rules[match.rule].id;
  return id == rule_token || id == rule_legacy;
}

std::optional<Finding> Classifier::classify(const RawMatch& match, const FileFacts& facts) const {
  const Rule& rule = m_rules.rules[match.rule];
  std::string_view value = match.value;
  Finding f;
  f.rule_id = rule.id;
  f.decoded = match.decoded;
  std::optional<Verdict> verdict;
  if (!rule.builtin) {
    f.token_type = rule.id;
    verdict = Verdict{rule.severity, {"custom-rule"}};
  } else if (rule.id == rule_token) {
    auto t = split_token(value);
    if (!t) return std::nullopt;
    f.token_type = std::string(t->prefix);
    f.token_id = token_id_of(value);
    verdict = token_verdict(*t, facts.environment_url);
  } else if (rule.id == rule_legacy) {
    f.token_type = value.size() == 16 ? "legacy-tenant-token" : "legacy-api-token";
    verdict = legacy_verdict(value, facts.environment_url, match.group == "value_generic");
  } else if (rule.id == rule_url) {
    f.token_type = "unknown";
    verdict = url_verdict(value, f.token_type, f.token_id);
  } else if (rule.id == rule_id_only) {
    auto dot = value.find('.');
    f.token_type = std::string(value.substr(0, dot));
    f.token_id = std::string(value);
    verdict = Verdict{Severity::info, {"identifier-only"}};
  } else {
    f.token_type = rule.id;
    verdict = Verdict{rule.severity, {}};
  }
  if (!verdict) return std::nullopt;
  f.severity = verdict->severity;
  f.reasons = std::move(verdict->reasons);
  if (match.obfuscated) f.reasons.push_back("obfuscated");
  if (facts.test_path) f.reasons.push_back("test-path");
  f.redacted = rule.id == rule_id_only ? f.token_id : redact(value, f.token_id);
  f.fingerprint = sha256_hex(value);
  return f;
}

} // namespace dtscan
