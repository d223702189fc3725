// Base64 and percent decoding with offset maps, and the base64 trigger literals derived from keywords.
#include "scanner/decode.hpp"

#include <algorithm>

namespace dtscan {
namespace {

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

bool is_url_char(unsigned char c) {
  return c > ' ' && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' && c != 0x7f;
}

const char* const base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

} // namespace

bool has_percent_escape(std::string_view s) {
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '%' && hex_value(static_cast<unsigned char>(s[i + 1])) >= 0 &&
        hex_value(static_cast<unsigned char>(s[i + 2])) >= 0)
      return true;
  return false;
}

bool is_base64_char(unsigned char c) {
  return base64_value(c) >= 0 || c == '=';
}

std::optional<DecodedText> decode_base64(std::string_view src, size_t start, size_t max_out) {
  DecodedText out;
  uint32_t acc = 0;
  int bits = 0;
  size_t i = start;
  for (; i < src.size() && out.bytes.size() < max_out; ++i) {
    int v = base64_value(static_cast<unsigned char>(src[i]));
    if (v < 0) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      size_t n = out.bytes.size();
      out.bytes.push_back(static_cast<char>((acc >> bits) & 0xff));
      // Decoded byte n starts in character n*4/3 of the run and ends within character i.
      out.source_start.push_back(static_cast<uint32_t>(start + (n * 4) / 3));
      out.source_end.push_back(static_cast<uint32_t>(start + ((n * 4) + 2) / 3)); // end of bytes [0, n)
    }
  }
  if (out.bytes.empty()) return std::nullopt;
  out.source_end.push_back(static_cast<uint32_t>(start + (out.bytes.size() * 4 + 2) / 3));
  return out;
}

std::optional<DecodedText> decode_percent(std::string_view src, size_t start, size_t end) {
  if (!has_percent_escape(src.substr(start, end - start))) return std::nullopt;
  DecodedText out;
  for (size_t i = start; i < end;) {
    out.source_start.push_back(static_cast<uint32_t>(i));
    out.source_end.push_back(static_cast<uint32_t>(i));
    if (src[i] == '%' && i + 2 < end && hex_value(static_cast<unsigned char>(src[i + 1])) >= 0 &&
        hex_value(static_cast<unsigned char>(src[i + 2])) >= 0) {
      out.bytes.push_back(static_cast<char>(hex_value(static_cast<unsigned char>(src[i + 1])) * 16 +
                                            hex_value(static_cast<unsigned char>(src[i + 2]))));
      i += 3;
    } else {
      out.bytes.push_back(src[i]);
      i += 1;
    }
  }
  out.source_end.push_back(static_cast<uint32_t>(end));
  return out;
}

std::pair<size_t, size_t> base64_run(std::string_view buf, size_t pos, size_t max_extent) {
  size_t lo = pos, hi = pos;
  size_t lo_limit = pos > max_extent ? pos - max_extent : 0;
  size_t hi_limit = std::min(buf.size(), pos + max_extent);
  while (lo > lo_limit && base64_value(static_cast<unsigned char>(buf[lo - 1])) >= 0)
    --lo;
  while (hi < hi_limit && base64_value(static_cast<unsigned char>(buf[hi])) >= 0)
    ++hi;
  return {lo, hi};
}

std::pair<size_t, size_t> url_run(std::string_view buf, size_t pos, size_t max_extent) {
  size_t lo = pos, hi = pos;
  size_t lo_limit = pos > max_extent ? pos - max_extent : 0;
  size_t hi_limit = std::min(buf.size(), pos + max_extent);
  while (lo > lo_limit && is_url_char(static_cast<unsigned char>(buf[lo - 1])))
    --lo;
  while (hi < hi_limit && is_url_char(static_cast<unsigned char>(buf[hi])))
    ++hi;
  return {lo, hi};
}

std::vector<Base64Trigger> base64_triggers(std::string_view literal) {
  std::vector<Base64Trigger> out;
  for (size_t align = 0; align < 3; ++align) {
    // Encode `align` filler bytes, the literal, then filler; a character is stable when all six of its
    // bits come from the literal.
    size_t total = align + literal.size();
    size_t chars = (total * 8 + 5) / 6;
    std::string best;
    size_t best_start = 0;
    std::string run;
    size_t run_start = 0;
    for (size_t j = 0; j < chars; ++j) {
      size_t first_bit = j * 6, last_bit = j * 6 + 5;
      size_t first_byte = first_bit / 8, last_byte = last_bit / 8;
      bool stable = first_byte >= align && last_byte < total;
      if (stable) {
        uint32_t v = 0;
        for (size_t b = first_bit; b <= last_bit; ++b) {
          auto byte = static_cast<unsigned char>(literal[b / 8 - align]);
          v = (v << 1) | ((byte >> (7 - b % 8)) & 1);
        }
        if (run.empty()) run_start = j;
        run.push_back(base64_alphabet[v]);
        if (run.size() > best.size()) {
          best = run;
          best_start = run_start;
        }
      } else {
        run.clear();
      }
    }
    if (best.size() >= 3) out.push_back({best.substr(0, 4), static_cast<uint32_t>(best_start % 4)});
  }
  return out;
}

} // namespace dtscan
