// Severity and reasons for each rule's matches (SPEC §2). All lists and thresholds come from the rule
// file's "classification" section; the code only says in which order they are consulted.
#include "scanner/classify.hpp"

#include "scanner/sha256.hpp"

#include <re2/re2.h>

#include <algorithm>
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
  auto second = value.find('.', first + 1);
  if (second == std::string_view::npos) {
    // dt0a02 tenant tokens have no public part: the part after the prefix is the secret.
    if (prefix == "dt0a02") return std::string(prefix);
    return std::string(value); // an identifier alone
  }
  return std::string(value.substr(0, second));
}

std::string redact(std::string_view value, std::string_view token_id) {
  if (!token_id.empty()) return std::string(token_id) + ".****";
  return std::string(value.substr(0, std::min<size_t>(3, value.size()))) + "****";
}

Classifier::Classifier(const RuleSet& rules)
    : m_rules(rules), m_placeholder(compile_all(rules.classification.placeholder_patterns)),
      m_masked(compile_all(rules.classification.masked_patterns)),
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
  if (auto third = t.secret_part.find('.'); third != std::string_view::npos) {
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

std::optional<Classifier::Verdict> Classifier::token_verdict(const TokenParts& t, bool environment) const {
  const auto& c = m_rules.classification;
  if (any_full_match(m_masked, t.public_part) || (t.has_secret && any_full_match(m_masked, t.secret_part)))
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
  if (!public_ok || !secret_ok) return std::nullopt;
  size_t invalid = count_not(t.public_part, alphabet(type.public_alphabet)) +
                   (t.has_secret ? count_not(t.secret_part, alphabet(type.secret_alphabet)) : 0);
  if (invalid > c.hand_edited_max_invalid) return Verdict{Severity::info, {"placeholder", "invalid-characters"}};
  if (invalid > 0) {
    const char* reason = type.secret_alphabet == "base32" ? "non-base32-characters" : "invalid-characters";
    return Verdict{Severity::medium, {reason}};
  }
  Verdict v{type.strong ? Severity::high : Severity::medium, {"well-formed"}};
  if (!type.strong) v.reasons.push_back("limited-scope-token");
  if (environment) {
    v.severity = type.strong ? Severity::critical : Severity::high;
    v.reasons.push_back("environment-url-in-file");
  }
  return v;
}

std::optional<Classifier::Verdict> Classifier::legacy_verdict(std::string_view value, bool environment) const {
  const auto& c = m_rules.classification;
  for (const auto& doc : c.doc_placeholder_values)
    if (equals_ci(value, doc)) return Verdict{Severity::info, {"documentation-example"}};
  if (any_full_match(m_masked, value)) return Verdict{Severity::info, {"masked"}};
  if (any_full_match(m_identifier, value)) return std::nullopt; // a name such as testDynatraceAPIToken
  if (any_full_match(m_placeholder, value) || is_filler(value)) return Verdict{Severity::info, {"placeholder"}};
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
    verdict = legacy_verdict(value, facts.environment_url);
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
  if (facts.test_path) f.reasons.push_back("test-path");
  f.redacted = rule.id == rule_id_only ? f.token_id : redact(value, f.token_id);
  f.fingerprint = sha256_hex(value);
  return f;
}

} // namespace dtscan
