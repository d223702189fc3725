// The severity model of SPEC §2 as pure functions: a raw match plus what is known about its file becomes
// a Finding with a severity, stable reasons, a token id, a redacted form and a fingerprint — or nothing,
// when the match turns out not to be a credential (a wrong-length token, an identifier).
#pragma once

#include "scanner/finding.hpp"
#include "scanner/matcher.hpp"
#include "scanner/rules.hpp"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dtscan {

struct FileFacts {
  bool environment_url = false; // the file names a Dynatrace environment
  bool test_path = false;       // the path is under tests, fixtures or docs
};

class Classifier {
public:
  explicit Classifier(const RuleSet& rules);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Fills every field but path, lines, columns, secret, commit and repository.
  std::optional<Finding> classify(const RawMatch& match, const FileFacts& facts) const;

  // Whether the severity of this match could depend on FileFacts::environment_url (so the caller only
  // looks for environment URLs in files where it matters).
  bool depends_on_environment(const RawMatch& match) const;

  bool is_test_path(std::string_view path) const;

private:
  struct Verdict {
    Severity severity;
    std::vector<std::string> reasons;
  };
  struct TokenParts {
    std::string_view prefix, public_part, secret_part;
    bool has_secret = false;
    bool extra_part = false; // a fourth dot-separated part followed the secret
  };
  static std::optional<TokenParts> split_token(std::string_view value);
  const TokenType& token_type(std::string_view prefix) const;
  std::optional<Verdict> token_verdict(const TokenParts& t, bool environment) const;
  std::optional<Verdict> legacy_verdict(std::string_view value, bool environment, bool generic_context) const;
  Verdict url_verdict(std::string_view value, std::string& token_type, std::string& token_id) const;

  bool is_doc_example(const TokenParts& t) const;
  bool is_filler(std::string_view part) const;
  bool is_placeholder_shape(std::string_view part, const std::string& alphabet_name) const;
  bool is_short_filler(std::string_view part) const;
  bool any_full_match(const std::vector<std::unique_ptr<re2::RE2>>& res, std::string_view s) const;

  const RuleSet& m_rules;
  std::vector<std::unique_ptr<re2::RE2>> m_placeholder, m_masked, m_masked_secret, m_identifier, m_filler, m_test_path;
};

// The id that may be shown for a dt0 token (prefix and public part; just the prefix for dt0a02).
std::string token_id_of(std::string_view value);
// A redacted form that never holds the secret: "<token id>.****", or the first 3 characters and "****".
std::string redact(std::string_view value, std::string_view token_id);

} // namespace dtscan
