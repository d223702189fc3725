// fuzz_decode: the bounded base64 and percent decoders and their offset maps. The matcher indexes the
// maps with positions of matches in the decoded bytes and reports the results as spans of the file, so a
// map that points outside the source, goes backwards or disagrees with the decoded bytes would misplace a
// finding or read out of bounds. Also the run finders (base64_run, url_run) and the base64 trigger
// literals derived from keywords, whose alignment the matcher relies on.
#include "fuzz_common.hpp"

#include "scanner/decode.hpp"

using namespace dtscan;
using namespace dtscan::fuzz;

namespace {

const char* const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16 |
                 uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8 | static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k)
      out += alphabet[(v >> (6 * k)) & 63];
  }
  if (size_t left = bytes.size() - i; left > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (left == 2) v |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    for (size_t k = 0; k <= left; ++k)
      out += alphabet[(v >> (6 * (3 - k))) & 63];
    out.append(3 - left, '=');
  }
  return out;
}

// The URL-safe alphabet's characters as standard ones.
char standard(char c) {
  return c == '-' ? '+' : c == '_' ? '/' : c;
}

void check_base64(std::string_view src, size_t start, size_t max_out) {
  auto d = decode_base64(src, start, max_out);
  size_t run = 0; // base64 characters (no padding) from start
  while (start + run < src.size() && is_base64_char(static_cast<unsigned char>(src[start + run])) &&
         src[start + run] != '=')
    ++run;
  const size_t full = run * 6 / 8; // bytes that the run holds
  if (!d) {
    FUZZ_CHECK_MSG(full == 0 || max_out == 0, "nullopt for a run of " + std::to_string(run));
    return;
  }
  const size_t n = d->bytes.size();
  FUZZ_CHECK(n > 0 && n <= max_out);
  FUZZ_CHECK_MSG(n == std::min(full, max_out), std::to_string(n) + " bytes from a run of " + std::to_string(run));
  FUZZ_CHECK(d->source_start.size() == n && d->source_end.size() == n + 1);
  for (size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(d->source_start[i] >= start && d->source_start[i] < start + run);
    FUZZ_CHECK(i == 0 || d->source_start[i] > d->source_start[i - 1]);
    // Byte i comes from characters [source_start[i], source_end[i + 1]).
    FUZZ_CHECK(d->source_start[i] < d->source_end[i + 1]);
  }
  for (size_t j = 0; j <= n; ++j) {
    FUZZ_CHECK(d->source_end[j] >= start && d->source_end[j] <= start + run);
    FUZZ_CHECK(j == 0 || d->source_end[j] >= d->source_end[j - 1]);
  }
  FUZZ_CHECK(d->source_start[0] == start);
  // Round trip: the encoding of the decoded bytes starts with the characters that fully encode them.
  std::string again = base64_encode(d->bytes);
  const size_t exact = n * 8 / 6;
  for (size_t k = 0; k < exact; ++k)
    FUZZ_CHECK_MSG(again[k] == standard(src[start + k]), "decoded bytes do not re-encode to the source");
}

void check_percent(std::string_view src, size_t start, size_t end) {
  auto d = decode_percent(src, start, end);
  if (!d) {
    FUZZ_CHECK(!has_percent_escape(src.substr(start, end - start)));
    return;
  }
  FUZZ_CHECK(has_percent_escape(src.substr(start, end - start)));
  const size_t n = d->bytes.size();
  FUZZ_CHECK(n > 0 && n <= end - start);
  FUZZ_CHECK(d->source_start.size() == n && d->source_end.size() == n + 1);
  FUZZ_CHECK(d->source_start[0] == start && d->source_end[n] == end);
  bool any_escape = false;
  for (size_t i = 0; i < n; ++i) {
    const size_t from = d->source_start[i], to = i + 1 < n ? d->source_start[i + 1] : end;
    FUZZ_CHECK(from >= start && from < to && to <= end);
    FUZZ_CHECK(d->source_end[i] == from); // decoded bytes [0, i) end where byte i begins
    std::string_view piece = src.substr(from, to - from);
    if (piece.size() == 1) {
      FUZZ_CHECK(d->bytes[i] == piece[0]);
    } else {
      FUZZ_CHECK_MSG(piece.size() == 3 && piece[0] == '%' && has_percent_escape(piece),
                     "a decoded byte from \"" + escaped(piece) + "\"");
      FUZZ_CHECK(static_cast<unsigned char>(d->bytes[i]) == std::stoul(std::string(piece.substr(1)), nullptr, 16));
      any_escape = true;
    }
  }
  FUZZ_CHECK(any_escape);
}

void check_run(std::string_view buf, size_t pos, size_t max_extent, bool base64) {
  auto [lo, hi] = base64 ? base64_run(buf, pos, max_extent) : url_run(buf, pos, max_extent);
  FUZZ_CHECK(lo <= pos && pos <= hi && hi <= buf.size());
  FUZZ_CHECK(pos - lo <= max_extent && hi - pos <= max_extent);
}

// Some alignment (0..2 filler bytes before the literal) must put the trigger at a position whose
// offset in its quad is quad_offset: that is how the matcher finds the quad boundary.
void check_triggers(std::string_view literal) {
  for (const Base64Trigger& t : base64_triggers(literal)) {
    FUZZ_CHECK(t.text.size() >= 3 && t.text.size() <= 4 && t.quad_offset < 4);
    bool found = false;
    for (size_t align = 0; align < 3 && !found; ++align)
      for (char filler : {'\0', '\xff'}) {
        std::string encoded = base64_encode(std::string(align, filler) + std::string(literal) + std::string(2, filler));
        for (size_t p = encoded.find(t.text); p != std::string::npos; p = encoded.find(t.text, p + 1))
          if (p % 4 == t.quad_offset) found = true;
      }
    FUZZ_CHECK_MSG(found, "trigger \"" + escaped(t.text) + "\" of \"" + escaped(literal) + "\"");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const size_t a = in.number(2), b = in.number(2), max_out = in.number(2) % 4096;
  const std::string src = in.rest();
  const size_t start = src.empty() ? 0 : a % (src.size() + 1);
  check_base64(src, start, max_out);
  check_base64(src, 0, 2400); // the matcher's bound
  size_t lo = start, hi = src.empty() ? 0 : b % (src.size() + 1);
  if (lo > hi) std::swap(lo, hi);
  check_percent(src, lo, hi);
  check_percent(src, 0, src.size());
  check_run(src, start, max_out, true);
  check_run(src, start, max_out, false);
  check_triggers(std::string_view(src).substr(0, 64));
  (void)has_percent_escape(src);
  return 0;
}
