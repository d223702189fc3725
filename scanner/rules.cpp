// Loads and validates rule files (the embedded rules/dynatrace.json and any --rules FILE). Every problem
// becomes one FatalError line naming the file and the rule, so a bad rule file never half-loads.
#include "scanner/rules.hpp"

#include "scanner/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace dtscan {
namespace {

using Json = nlohmann::json;

class Loader {
public:
  explicit Loader(std::string_view origin) : m_origin(origin) {}

  [[noreturn]] void fail(std::string_view where, std::string_view what) const {
    throw FatalError(fmt::format("invalid rule file {}: {}: {}", m_origin, where, what));
  }

  const Json& member(const Json& obj, const char* key, std::string_view where) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(where, fmt::format("missing \"{}\"", key));
    return *it;
  }

  std::string string_of(const Json& obj, const char* key, std::string_view where, bool required = true) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(where, fmt::format("missing \"{}\"", key));
      return {};
    }
    if (!it->is_string()) fail(where, fmt::format("\"{}\" must be a string", key));
    return it->get<std::string>();
  }

  std::vector<std::string> strings_of(const Json& obj, const char* key, std::string_view where) const {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (!it->is_array()) fail(where, fmt::format("\"{}\" must be an array of strings", key));
    for (const auto& v : *it) {
      if (!v.is_string()) fail(where, fmt::format("\"{}\" must be an array of strings", key));
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  std::shared_ptr<const RE2> compile_regex(const std::string& pattern, std::string_view where) const {
    RE2::Options opts;
    opts.set_log_errors(false);
    auto re = std::make_shared<const RE2>(pattern, opts);
    if (!re->ok()) fail(where, fmt::format("invalid pattern: {}", re->error()));
    return re;
  }

  std::vector<std::string> regexes_of(const Json& obj, const char* key, std::string_view where) const {
    auto out = strings_of(obj, key, where);
    for (const auto& p : out)
      compile_regex(p, fmt::format("{}.{}", where, key));
    return out;
  }

  std::vector<RuleExample> examples_of(const Json& obj, const char* key, std::string_view where) const {
    std::vector<RuleExample> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (!it->is_array()) fail(where, fmt::format("\"{}\" must be an array", key));
    for (const auto& v : *it) {
      RuleExample ex;
      if (v.is_string()) {
        ex.input = v.get<std::string>();
      } else if (v.is_object()) {
        ex.input = string_of(v, "input", where);
        if (auto s = string_of(v, "severity", where, false); !s.empty()) {
          ex.severity = parse_severity(s);
          if (!ex.severity) fail(where, fmt::format("unknown severity \"{}\" in {}", s, key));
        }
      } else {
        fail(where, fmt::format("\"{}\" entries must be strings or objects", key));
      }
      out.push_back(std::move(ex));
    }
    return out;
  }

  Rule rule_of(const Json& obj, size_t index) const {
    std::string where = fmt::format("rules[{}]", index);
    if (!obj.is_object()) fail(where, "must be an object");
    Rule r;
    r.id = string_of(obj, "id", where);
    where = fmt::format("rule \"{}\"", r.id);
    if (r.id.empty()) fail(where, "empty id");
    r.name = string_of(obj, "name", where, false);
    if (r.name.empty()) r.name = r.id;
    r.short_description = string_of(obj, "short_description", where, false);
    if (r.short_description.empty()) r.short_description = r.name;
    r.full_description = string_of(obj, "full_description", where, false);
    if (r.full_description.empty()) r.full_description = r.short_description;
    r.help = string_of(obj, "help", where, false);
    if (auto it = obj.find("priority"); it != obj.end()) {
      if (!it->is_number_integer()) fail(where, "\"priority\" must be an integer");
      r.priority = it->get<int>();
    }
    const Json& kws = member(obj, "keywords", where);
    if (!kws.is_array() || kws.empty()) fail(where, "\"keywords\" must be a non-empty array");
    for (const auto& k : kws) {
      Keyword kw;
      if (k.is_string()) {
        kw.text = k.get<std::string>();
      } else if (k.is_object()) {
        kw.text = string_of(k, "text", where);
        if (auto ci = k.find("case_insensitive"); ci != k.end()) {
          if (!ci->is_boolean()) fail(where, "\"case_insensitive\" must be true or false");
          kw.case_insensitive = ci->get<bool>();
        }
      } else {
        fail(where, "keywords must be strings or objects");
      }
      if (kw.text.size() < 3) fail(where, fmt::format("keyword \"{}\" is shorter than 3 bytes", kw.text));
      r.keywords.push_back(std::move(kw));
    }
    r.pattern = string_of(obj, "pattern", where);
    r.compiled_pattern = compile_regex(r.pattern, where);
    {
      bool has_value = false;
      for (const auto& [name, idx] : r.compiled_pattern->NamedCapturingGroups())
        if (name.rfind("value", 0) == 0) has_value = true;
      if (!has_value) fail(where, "pattern needs a named group \"value\" (the reported span)");
    }
    r.not_followed_by = string_of(obj, "not_followed_by", where, false);
    if (!r.not_followed_by.empty()) r.compiled_not_followed_by = compile_regex(r.not_followed_by, where);
    if (auto it = obj.find("word_boundary"); it != obj.end()) {
      if (!it->is_boolean()) fail(where, "\"word_boundary\" must be true or false");
      r.word_boundary = it->get<bool>();
    }
    if (auto b = string_of(obj, "boundary_chars", where, false); !b.empty()) r.boundary_chars = b;
    if (auto s = string_of(obj, "severity", where, false); !s.empty()) {
      auto sev = parse_severity(s);
      if (!sev) fail(where, fmt::format("unknown severity \"{}\"", s));
      r.severity = *sev;
    }
    r.security_severity = string_of(obj, "security_severity", where, false);
    if (!r.security_severity.empty()) {
      std::istringstream in(r.security_severity);
      double v = -1;
      if (!(in >> v) || v < 0 || v > 10) fail(where, "\"security_severity\" must be a number string from 0 to 10");
    }
    r.tags = strings_of(obj, "tags", where);
    r.examples = examples_of(obj, "examples", where);
    r.negative_examples = examples_of(obj, "negative_examples", where);
    return r;
  }

  TokenType token_type_of(const Json& obj, std::string_view where) const {
    TokenType t;
    t.prefixes = strings_of(obj, "prefixes", where);
    if (t.prefixes.empty()) fail(where, "token type without \"prefixes\"");
    if (auto it = obj.find("public_lengths"); it != obj.end() && it->is_array())
      for (const auto& v : *it) {
        if (!v.is_number_unsigned()) fail(where, "\"public_lengths\" must hold numbers");
        t.public_lengths.push_back(v.get<size_t>());
      }
    if (auto it = obj.find("secret_length"); it != obj.end()) {
      if (!it->is_number_unsigned()) fail(where, "\"secret_length\" must be a number");
      t.secret_length = it->get<size_t>();
    }
    static const std::set<std::string> alphabets{"base32", "hex", "alnum", "envid"};
    t.public_alphabet = string_of(obj, "public_alphabet", where);
    t.secret_alphabet = string_of(obj, "secret_alphabet", where);
    if (!alphabets.count(t.public_alphabet) || !alphabets.count(t.secret_alphabet))
      fail(where, "alphabets must be base32, hex, alnum or envid");
    if (auto it = obj.find("strong"); it != obj.end()) t.strong = it->get<bool>();
    if (auto it = obj.find("malformed_secret_lengths"); it != obj.end()) {
      if (!it->is_array()) fail(where, "\"malformed_secret_lengths\" must be an array of numbers");
      for (const auto& v : *it) {
        if (!v.is_number_unsigned()) fail(where, "\"malformed_secret_lengths\" must hold numbers");
        t.malformed_secret_lengths.push_back(v.get<size_t>());
      }
    }
    return t;
  }

  Classification classification_of(const Json& obj) const {
    const std::string where = "classification";
    Classification c;
    const Json& types = member(obj, "token_types", where);
    if (!types.is_array()) fail(where, "\"token_types\" must be an array");
    for (const auto& t : types)
      c.token_types.push_back(token_type_of(t, where));
    c.doc_example_public_parts = strings_of(obj, "doc_example_public_parts", where);
    c.doc_example_secret_prefixes = strings_of(obj, "doc_example_secret_prefixes", where);
    if (auto it = obj.find("doc_example_max_distance"); it != obj.end()) c.doc_example_max_distance = it->get<size_t>();
    c.doc_placeholder_values = strings_of(obj, "doc_placeholder_values", where);
    c.placeholder_patterns = regexes_of(obj, "placeholder_patterns", where);
    c.masked_patterns = regexes_of(obj, "masked_patterns", where);
    c.masked_secret_patterns = regexes_of(obj, "masked_secret_patterns", where);
    c.identifier_patterns = regexes_of(obj, "identifier_patterns", where);
    c.filler_patterns = regexes_of(obj, "filler_patterns", where);
    c.environment_url_patterns = regexes_of(obj, "environment_url_patterns", where);
    c.environment_url_keywords = strings_of(obj, "environment_url_keywords", where);
    c.non_environment_hosts = strings_of(obj, "non_environment_hosts", where);
    c.test_path_patterns = regexes_of(obj, "test_path_patterns", where);
    c.invisible_characters = strings_of(obj, "invisible_characters", where);
    if (auto it = obj.find("unknown_value_min_length"); it != obj.end()) c.unknown_value_min_length = it->get<size_t>();
    c.placeholder_words = strings_of(obj, "placeholder_words", where);
    auto number = [&](const char* key, size_t& out) {
      if (auto it = obj.find(key); it != obj.end()) {
        if (!it->is_number_unsigned()) fail(where, fmt::format("\"{}\" must be a number", key));
        out = it->get<size_t>();
      }
    };
    number("placeholder_run_length", c.placeholder_run_length);
    number("placeholder_run_percent", c.placeholder_run_percent);
    number("placeholder_max_period", c.placeholder_max_period);
    number("placeholder_distinct_percent", c.placeholder_distinct_percent);
    number("short_filler_max_length", c.short_filler_max_length);
    return c;
  }

private:
  std::string m_origin;
};

} // namespace

const Rule* RuleSet::find(std::string_view id) const {
  for (const auto& r : rules)
    if (r.id == id) return &r;
  return nullptr;
}

RuleSet parse_rules(std::string_view json_text, std::string_view origin) {
  Loader loader(origin);
  Json doc;
  try {
    doc = Json::parse(json_text.begin(), json_text.end());
  } catch (const Json::exception& e) {
    std::string msg = e.what();
    // nlohmann's messages are one line already; keep only the part after the "[json.exception...]" tag.
    if (auto pos = msg.find("] "); pos != std::string::npos) msg = msg.substr(pos + 2);
    loader.fail("JSON", msg);
  }
  try {
    if (!doc.is_object()) loader.fail("top level", "must be an object");
    RuleSet set;
    const Json& rules = loader.member(doc, "rules", "top level");
    if (!rules.is_array()) loader.fail("top level", "\"rules\" must be an array");
    std::set<std::string> ids;
    for (size_t i = 0; i < rules.size(); ++i) {
      Rule r = loader.rule_of(rules[i], i);
      if (!ids.insert(r.id).second) loader.fail(fmt::format("rule \"{}\"", r.id), "duplicate id");
      set.rules.push_back(std::move(r));
    }
    if (auto it = doc.find("classification"); it != doc.end()) set.classification = loader.classification_of(*it);
    return set;
  } catch (const Json::exception& e) {
    loader.fail("structure", e.what());
  }
}

RuleSet load_rules(const std::vector<std::string>& extra_files) {
  RuleSet set = parse_rules(embedded_rules_json(), "<built-in>");
  for (auto& r : set.rules)
    r.builtin = true;
  for (const auto& file : extra_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw FatalError(fmt::format("cannot read rule file {}: {}", file, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw FatalError(fmt::format("cannot read rule file {}", file));
    RuleSet extra = parse_rules(text.str(), file);
    for (auto& r : extra.rules) {
      if (set.find(r.id)) throw FatalError(fmt::format("invalid rule file {}: rule \"{}\": duplicate id", file, r.id));
      set.rules.push_back(std::move(r));
    }
  }
  return set;
}

} // namespace dtscan
