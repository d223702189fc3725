// The matcher: keyword prefilter, then each rule's RE2 on a window around every keyword hit, exact token
// boundaries, and bounded base64 / percent decoding with a rescan of the decoded bytes. It returns raw
// matches (rule + byte span + value); it knows nothing about severity, files or output.
#pragma once

#include "scanner/finding.hpp"
#include "scanner/prefilter.hpp"
#include "scanner/rules.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dtscan {

struct RawMatch {
  uint32_t rule = 0;  // index into RuleSet::rules
  uint64_t start = 0; // span in the scanned buffer (for decoded matches: the encoded span)
  uint64_t end = 0;
  std::string value; // the matched value as decoded (equals the span's bytes when decoded == none)
  Decoding decoded = Decoding::none;
  std::string group;       // the name of the value group that matched ("value", "value2", "value_generic", ...)
  bool obfuscated = false; // found only once invisible characters inside the span were removed
};

enum class DecodeMode { off, on };

class Matcher {
public:
  Matcher(const RuleSet& rules, DecodeMode decode);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Appends the matches in buf to out (unsorted, without duplicates of the same rule and span).
  void find(std::string_view buf, std::vector<RawMatch>& out) const;

  // The longest stretch around a keyword that a match can cover: chunked readers overlap by more.
  static constexpr size_t max_lookbehind = 512;
  static constexpr size_t max_lookahead = 2048;

private:
  struct CompiledRule;
  void find_at_depth(std::string_view buf, int depth, std::vector<RawMatch>& out) const;
  void find_obfuscated(std::string_view buf, std::vector<RawMatch>& out) const;
  void search_window(std::string_view buf, uint32_t rule, size_t lo, size_t hi, std::vector<RawMatch>& out) const;

  const RuleSet& m_rules;
  DecodeMode m_decode;
  std::vector<std::unique_ptr<CompiledRule>> m_compiled;
  // For each prefilter keyword: the rules that use it, or (for base64 triggers) its quad offset.
  struct KeywordUse {
    std::vector<uint32_t> rules;
    bool base64_trigger = false;
    uint32_t quad_offset = 0;
  };
  std::vector<KeywordUse> m_keyword_uses; // declared before m_prefilter: filled while building it
  Prefilter m_prefilter;

  static std::vector<PrefilterKeyword> keywords_for(const RuleSet& rules, DecodeMode decode,
                                                    std::vector<KeywordUse>& uses);
};

} // namespace dtscan
