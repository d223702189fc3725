// Expansion of `@@EXPR@@` fake-token templates: a tiny recursive evaluator over a xoshiro256** stream
// seeded from SHA-256 of the seed, so output depends on nothing but (text, seed).
#include "scanner/fake_tokens.hpp"

#include "scanner/error.hpp"
#include "scanner/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <map>

namespace dtscan {

namespace {

constexpr std::string_view k_base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view k_hex = "0123456789abcdef";
constexpr std::string_view k_alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view k_legacy = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
constexpr size_t k_max_len = 1 << 16;

constexpr std::array<std::string_view, 12> k_keywords = {"dt0c01", "tok", "tenant", "b32",    "hex",   "alnum",
                                                         "legacy", "b64", "pct",    "pctall", "upper", "lower"};
constexpr std::array<std::string_view, 9> k_banned = {"token",   "api",   "key",    "test", "fake",
                                                      "example", "dummy", "sample", "xxxx"};

class Xoshiro256 {
public:
  explicit Xoshiro256(std::string_view seed) {
    Sha256 h;
    h.update(seed);
    auto d = h.digest();
    for (size_t i = 0; i < 32; ++i)
      m_s[i / 8] = m_s[i / 8] << 8 | d[i];
  }
  uint64_t next() {
    uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
  }
  size_t below(size_t n) { return size_t(next() % n); } // bias is ~n/2^64: irrelevant here

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> m_s{};
};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}
char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}

bool contains_banned_word(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
  return std::any_of(k_banned.begin(), k_banned.end(),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

bool is_identifier(std::string_view s) {
  return !s.empty() && is_alpha(s[0]) &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

std::string base64(std::string_view in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) n |= uint32_t(uint8_t(in[i + 1])) << 8;
    if (i + 2 < in.size()) n |= uint8_t(in[i + 2]);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += i + 1 < in.size() ? alphabet[n >> 6 & 63] : '=';
    out += i + 2 < in.size() ? alphabet[n & 63] : '=';
  }
  return out;
}

std::string percent_encode(std::string_view in, bool encode_all) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    if (!encode_all && (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
      out += c;
      continue;
    }
    out += '%';
    out += hex[uint8_t(c) >> 4];
    out += hex[uint8_t(c) & 15];
  }
  return out;
}

// One expansion: the random stream and the remembered names are shared by all its expressions.
class Expander {
public:
  explicit Expander(std::string_view seed) : m_rng(seed) {}

  std::string expand(std::string_view text) {
    std::string out;
    size_t pos = 0;
    size_t line = 1, line_counted_to = 0;
    for (size_t start; (start = text.find("@@", pos)) != std::string_view::npos;) {
      out.append(text.substr(pos, start - pos));
      line += std::count(text.begin() + line_counted_to, text.begin() + start, '\n');
      line_counted_to = start;
      size_t end = text.find("@@", start + 2);
      size_t eol = text.find('\n', start + 2);
      if (end == std::string_view::npos || end > eol) {
        std::string_view rest = text.substr(start, std::min<size_t>(eol, start + 40) - start);
        throw FatalError("fake-token template, line " + std::to_string(line) + ": unterminated \"" + std::string(rest) +
                         "\" (expected a closing @@ on the same line)");
      }
      std::string_view expr = text.substr(start + 2, end - start - 2);
      m_context = "fake-token template, line " + std::to_string(line) + ", \"@@" + std::string(expr) + "@@\": ";
      out += expr.empty() ? "@@" : eval(expr);
      pos = end + 2;
    }
    out.append(text.substr(pos));
    return out;
  }

private:
  [[noreturn]] void fail(const std::string& why) const { throw FatalError(m_context + why); }

  std::string eval(std::string_view expr) {
    if (expr.empty()) fail("empty expression");
    size_t sep = expr.find_first_of(":=");
    if (sep != std::string_view::npos && expr[sep] == '=') return assign(expr.substr(0, sep), expr.substr(sep + 1));
    std::string_view head = expr.substr(0, sep);
    bool has_arg = sep != std::string_view::npos;
    std::string_view arg = has_arg ? expr.substr(sep + 1) : std::string_view();

    if (head == "dt0c01") {
      if (has_arg) fail("dt0c01 takes no argument");
      return token("dt0c01", random_part(k_base32, 24));
    }
    if (head == "tok") return tok(arg);
    if (head == "tenant") return std::string(prefix(arg)) + "." + random_part(k_alnum, 24);
    if (head == "b32") return random_chars(k_base32, length(arg, 1));
    if (head == "hex") return random_chars(k_hex, length(arg, 1));
    if (head == "alnum") return random_chars(k_alnum, length(arg, 1));
    if (head == "legacy") return legacy(length(arg, 4));
    if (head == "b64") return base64(eval(operand(head, arg)));
    if (head == "pct") return percent_encode(eval(operand(head, arg)), false);
    if (head == "pctall") return percent_encode(eval(operand(head, arg)), true);
    if (head == "upper" || head == "lower") {
      std::string v = eval(operand(head, arg));
      std::transform(v.begin(), v.end(), v.begin(), head == "upper" ? ascii_upper : ascii_lower);
      return v;
    }
    if (!has_arg && is_identifier(head)) {
      auto it = m_names.find(std::string(head));
      if (it == m_names.end()) fail("unknown generator or name \"" + std::string(head) + "\"");
      return it->second;
    }
    fail("unknown generator \"" + std::string(head) + "\"");
  }

  std::string assign(std::string_view name, std::string_view expr) {
    if (!is_identifier(name)) fail("\"" + std::string(name) + "\" is not a name (letter, then letters, digits, _)");
    if (std::find(k_keywords.begin(), k_keywords.end(), name) != k_keywords.end())
      fail("\"" + std::string(name) + "\" is a generator, not a name");
    if (m_names.count(std::string(name))) fail("name \"" + std::string(name) + "\" is already defined");
    std::string value = eval(expr);
    m_names.emplace(name, value);
    return value;
  }

  std::string tok(std::string_view arg) {
    size_t colon = arg.find(':');
    if (colon == std::string_view::npos) fail("expected tok:PREFIX:PUBLEN or tok:PREFIX:ENVID");
    std::string_view pre = prefix(arg.substr(0, colon));
    std::string_view third = arg.substr(colon + 1);
    if (!third.empty() && std::all_of(third.begin(), third.end(), is_digit))
      return token(pre, random_part(k_base32, length(third, 1)));
    if (third.empty() || !std::all_of(third.begin(), third.end(), [](char c) { return is_alnum(c) || c == '-'; }))
      fail("\"" + std::string(third) + "\" is neither a length nor an environment id");
    std::string secret;
    do
      secret = random_chars(k_hex, 64);
    while (contains_banned_word(secret));
    return std::string(pre) + "." + std::string(third) + "." + secret;
  }

  std::string token(std::string_view pre, const std::string& public_part) {
    return std::string(pre) + "." + public_part + "." + random_part(k_base32, 64);
  }

  std::string_view prefix(std::string_view p) const {
    if (p.empty() || !std::all_of(p.begin(), p.end(), is_alnum))
      fail("\"" + std::string(p) + "\" is not a token prefix (letters and digits, e.g. dt0s02)");
    return p;
  }

  std::string_view operand(std::string_view head, std::string_view arg) const {
    if (arg.empty()) fail(std::string(head) + " needs an expression, e.g. " + std::string(head) + ":dt0c01");
    return arg;
  }

  size_t length(std::string_view s, size_t min) const {
    size_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) fail(fmt::format("\"{}\" is not a length", s));
    if (n < min || n > k_max_len) fail(fmt::format("length {} is outside {}..{}", s, min, k_max_len));
    return n;
  }

  std::string random_chars(std::string_view alphabet, size_t n) {
    std::string out(n, '\0');
    for (char& c : out)
      c = alphabet[m_rng.below(alphabet.size())];
    return out;
  }

  std::string random_part(std::string_view alphabet, size_t n) {
    std::string out;
    do
      out = random_chars(alphabet, n);
    while (contains_banned_word(out));
    return out;
  }

  std::string legacy(size_t n) {
    for (;;) {
      std::string v = random_chars(k_legacy, n);
      auto count = [&](auto pred) { return std::count_if(v.begin(), v.end(), pred); };
      if (count(is_digit) >= 2 && count([](char c) { return c >= 'A' && c <= 'Z'; }) >= 1 &&
          count([](char c) { return c >= 'a' && c <= 'z'; }) >= 1 && !contains_banned_word(v))
        return v;
    }
  }

  Xoshiro256 m_rng;
  std::map<std::string, std::string, std::less<>> m_names;
  std::string m_context;
};

} // namespace

std::string expand_fake_tokens(std::string_view text, std::string_view seed) {
  if (text.find("@@") == std::string_view::npos) return std::string(text);
  return Expander(seed).expand(text);
}

} // namespace dtscan
