// Keyword hits -> RE2 windows -> raw matches, plus the bounded decode-and-rescan of base64 and
// percent-encoded spans found near keywords.
#include "scanner/matcher.hpp"

#include "scanner/wipe.hpp"

#include "scanner/decode.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <map>

namespace dtscan {
namespace {

constexpr int max_decode_depth = 2;
constexpr size_t max_base64_extent = 1536; // bytes each side of a trigger (within FileScanner::overlap)
constexpr size_t max_decoded_bytes = 2400;
constexpr size_t min_decoded_bytes = 8;
constexpr size_t max_url_extent = 1536;

using CharTable = std::array<bool, 256>;

// Parses a tiny character-class syntax ("A-Za-z0-9_-") into a lookup table.
CharTable char_table(std::string_view spec) {
  CharTable t{};
  for (size_t i = 0; i < spec.size(); ++i) {
    auto c = static_cast<unsigned char>(spec[i]);
    if (i + 2 < spec.size() && spec[i + 1] == '-') {
      for (unsigned x = c; x <= static_cast<unsigned char>(spec[i + 2]); ++x)
        t[x] = true;
      i += 2;
    } else {
      t[c] = true;
    }
  }
  return t;
}

} // namespace

struct Matcher::CompiledRule {
  std::shared_ptr<const RE2> re;
  std::shared_ptr<const RE2> not_followed_by;
  std::vector<std::pair<int, std::string>> value_groups; // capture indexes and names of the groups named value*
  int groups = 0;
  CharTable boundary{};
};

std::vector<PrefilterKeyword> Matcher::keywords_for(const RuleSet& rules, DecodeMode decode,
                                                    std::vector<KeywordUse>& uses) {
  std::vector<PrefilterKeyword> keywords;
  std::map<std::pair<std::string, bool>, uint32_t> index;
  auto intern = [&](const std::string& text, bool ci) {
    auto [it, added] = index.try_emplace({text, ci}, static_cast<uint32_t>(keywords.size()));
    if (added) {
      keywords.push_back({text, ci});
      uses.emplace_back();
    }
    return it->second;
  };
  for (uint32_t r = 0; r < rules.rules.size(); ++r)
    for (const auto& kw : rules.rules[r].keywords)
      uses[intern(kw.text, kw.case_insensitive)].rules.push_back(r);
  if (decode == DecodeMode::on) {
    std::vector<std::string> literals;
    for (const auto& rule : rules.rules)
      for (const auto& kw : rule.keywords)
        if (!kw.case_insensitive) literals.push_back(kw.text);
    for (const auto& lit : literals)
      for (const auto& trig : base64_triggers(lit)) {
        auto& use = uses[intern(trig.text, false)];
        use.base64_trigger = true;
        use.quad_offset = trig.quad_offset;
      }
  }
  return keywords;
}

Matcher::Matcher(const RuleSet& rules, DecodeMode decode)
    : m_rules(rules), m_decode(decode), m_prefilter(keywords_for(rules, decode, m_keyword_uses)) {
  RE2::Options opts;
  opts.set_log_errors(false);
  for (const auto& rule : rules.rules) {
    auto c = std::make_unique<CompiledRule>();
    // Rules from the loader come compiled; rules built by hand (tests) are compiled here.
    c->re = rule.compiled_pattern ? rule.compiled_pattern : std::make_shared<const RE2>(rule.pattern, opts);
    assert(c->re->ok()); // validated by the loader
    c->groups = c->re->NumberOfCapturingGroups();
    for (const auto& [name, idx] : c->re->NamedCapturingGroups())
      if (name.rfind("value", 0) == 0) c->value_groups.emplace_back(idx, name);
    std::sort(c->value_groups.begin(), c->value_groups.end());
    if (!rule.not_followed_by.empty())
      c->not_followed_by = rule.compiled_not_followed_by ? rule.compiled_not_followed_by
                                                         : std::make_shared<const RE2>(rule.not_followed_by, opts);
    c->boundary = char_table(rule.boundary_chars);
    m_compiled.push_back(std::move(c));
  }
}

Matcher::~Matcher() = default;

void Matcher::search_window(std::string_view buf, uint32_t rule, size_t lo, size_t hi,
                            std::vector<RawMatch>& out) const {
  const CompiledRule& c = *m_compiled[rule];
  const Rule& r = m_rules.rules[rule];
  re2::StringPiece text(buf.data(), buf.size());
  std::vector<re2::StringPiece> groups(static_cast<size_t>(c.groups) + 1);
  size_t pos = lo;
  while (pos < hi && c.re->Match(text, pos, hi, RE2::UNANCHORED, groups.data(), c.groups + 1)) {
    size_t whole_end = static_cast<size_t>(groups[0].data() - buf.data()) + groups[0].size();
    pos = std::max(pos + 1, whole_end);
    const re2::StringPiece* value = nullptr;
    const std::string* group = nullptr;
    for (const auto& [g, name] : c.value_groups)
      if (groups[static_cast<size_t>(g)].data() != nullptr) {
        value = &groups[static_cast<size_t>(g)];
        group = &name;
        break;
      }
    if (value == nullptr || value->empty()) continue;
    size_t vs = static_cast<size_t>(value->data() - buf.data());
    size_t ve = vs + value->size();
    if (ve == hi && hi < buf.size()) continue; // the window may have cut the value short
    if (r.word_boundary) {
      if (vs > 0 && c.boundary[static_cast<unsigned char>(buf[vs - 1])]) continue;
      if (ve < buf.size() && c.boundary[static_cast<unsigned char>(buf[ve])]) continue;
    }
    if (c.not_followed_by &&
        c.not_followed_by->Match(text, ve, std::min(buf.size(), ve + 256), RE2::ANCHOR_START, nullptr, 0))
      continue;
    out.push_back({rule, vs, ve, std::string(value->data(), value->size()), Decoding::none, *group});
  }
}

void Matcher::find_at_depth(std::string_view buf, int depth, std::vector<RawMatch>& out) const {
  std::vector<PrefilterHit> hits;
  m_prefilter.find(buf, hits);
  if (hits.empty()) return;
  std::sort(hits.begin(), hits.end(), [](const PrefilterHit& a, const PrefilterHit& b) { return a.pos < b.pos; });

  // Windows of one rule that overlap are merged and searched once, so text dense with keywords costs
  // one RE2 pass per rule instead of one per keyword.
  struct Window {
    size_t lo = 0, hi = 0;
    bool open = false;
  };
  std::vector<Window> windows(m_compiled.size());
  auto flush = [&](uint32_t rule) {
    if (windows[rule].open) search_window(buf, rule, windows[rule].lo, windows[rule].hi, out);
    windows[rule].open = false;
  };

  std::vector<RawMatch> inner;
  auto rescan = [&](const DecodedText& text, Decoding how) {
    inner.clear();
    find_at_depth(text.bytes, depth + 1, inner);
    for (auto& m : inner) {
      m.start = text.source_start[m.start];
      m.end = text.source_end[m.end];
      m.decoded = how;
      out.push_back(std::move(m));
    }
  };
  const bool may_decode = m_decode == DecodeMode::on && depth < max_decode_depth;
  size_t base64_done = 0, url_done = 0; // hits are sorted: a run already looked at ends before these

  for (const PrefilterHit& hit : hits) {
    const KeywordUse& use = m_keyword_uses[hit.keyword];
    const size_t lo = hit.pos > max_lookbehind ? hit.pos - max_lookbehind : 0;
    const size_t hi = std::min(buf.size(), hit.pos + max_lookahead);
    for (uint32_t rule : use.rules) {
      Window& w = windows[rule];
      if (w.open && lo <= w.hi) {
        w.hi = std::max(w.hi, hi);
      } else {
        flush(rule);
        w = {lo, hi, true};
      }
    }
    if (!may_decode) continue;
    if (use.base64_trigger) {
      if (hit.pos < base64_done) continue;
      auto [run_lo, run_hi] = base64_run(buf, hit.pos, max_base64_extent);
      base64_done = run_hi;
      // The trigger fixes the quad alignment; start at the first quad boundary inside the run.
      size_t residue = (hit.pos + 4 - use.quad_offset) % 4;
      size_t start = run_lo + (residue + 4 - run_lo % 4) % 4;
      auto text = decode_base64(buf.substr(0, run_hi), start, max_decoded_bytes);
      if (text && text->bytes.size() >= min_decoded_bytes) rescan(*text, Decoding::base64);
      if (text) wipe(text->bytes); // decoded secrets do not outlive their rescan
    } else if (!use.rules.empty()) {
      if (hit.pos < url_done) continue;
      auto [run_lo, run_hi] = url_run(buf, hit.pos, max_url_extent);
      url_done = std::max(run_hi, hit.pos + 1);
      if (auto text = decode_percent(buf, run_lo, run_hi)) {
        rescan(*text, Decoding::percent);
        wipe(text->bytes);
      }
    }
  }
  for (uint32_t rule = 0; rule < windows.size(); ++rule)
    flush(rule);
}

// Invisible characters (zero-width space, soft hyphen, BOM, ...) inside a token hide it from the rules,
// yet a copy-paste drops them and the token works. When the buffer holds any, it is scanned again with
// them removed; matches whose span held one are kept, marked obfuscated, at their span in buf.
void Matcher::find_obfuscated(std::string_view buf, std::vector<RawMatch>& out) const {
  const auto& invisible = m_rules.classification.invisible_characters;
  auto at = [&](size_t i) -> size_t { // length of the invisible character at buf[i], or 0
    for (const auto& ch : invisible)
      if (!ch.empty() && buf.compare(i, ch.size(), ch) == 0) return ch.size();
    return 0;
  };
  // This test runs on every buffer: one memchr per distinct lead byte (all such characters start with
  // one of a few bytes >= 0x80, rare in most text), not one substring search per character.
  auto any_invisible = [&] {
    std::array<bool, 256> lead{};
    for (const auto& ch : invisible) {
      if (ch.empty() || lead[static_cast<unsigned char>(ch[0])]) continue;
      lead[static_cast<unsigned char>(ch[0])] = true;
      for (const char* p = buf.data(); p != nullptr && p < buf.data() + buf.size();) {
        p = static_cast<const char*>(std::memchr(p, ch[0], static_cast<size_t>(buf.data() + buf.size() - p)));
        if (p == nullptr) break;
        if (at(static_cast<size_t>(p - buf.data()))) return true;
        ++p;
      }
    }
    return false;
  };
  if (!any_invisible()) return;
  std::string stripped;
  std::vector<uint64_t> source; // source[i]: offset in buf of stripped byte i
  stripped.reserve(buf.size());
  source.reserve(buf.size() + 1);
  for (size_t i = 0; i < buf.size();) {
    // Every listed character is a multi-byte UTF-8 sequence: ASCII bytes are copied without a look-up.
    if (static_cast<unsigned char>(buf[i]) < 0x80) {
      stripped += buf[i];
      source.push_back(i);
      ++i;
      continue;
    }
    if (size_t n = at(i)) {
      i += n;
      continue;
    }
    stripped += buf[i];
    source.push_back(i);
    ++i;
  }
  std::vector<RawMatch> inner;
  find_at_depth(stripped, 0, inner);
  for (auto& m : inner) {
    if (m.end <= m.start) continue;
    uint64_t start = source[m.start], end = source[m.end - 1] + 1;
    if (end - start == m.end - m.start) { // nothing was removed inside: found as written already
      wipe(m.value);
      continue;
    }
    m.start = start;
    m.end = end;
    m.obfuscated = true;
    out.push_back(std::move(m));
  }
  wipe(stripped);
}

void Matcher::find(std::string_view buf, std::vector<RawMatch>& out) const {
  size_t first = out.size();
  find_at_depth(buf, 0, out);
  find_obfuscated(buf, out);
  // Several keyword hits can find the same match: keep one. The same span found as written and decoded
  // is kept twice; the file scanner's collapse decides which reading wins.
  auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, out.end(), [](const RawMatch& a, const RawMatch& b) {
    return std::tie(a.start, a.end, a.rule, a.decoded) < std::tie(b.start, b.end, b.rule, b.decoded);
  });
  out.erase(std::unique(begin, out.end(),
                        [](const RawMatch& a, const RawMatch& b) {
                          return a.start == b.start && a.end == b.end && a.rule == b.rule && a.decoded == b.decoded;
                        }),
            out.end());
}

} // namespace dtscan
