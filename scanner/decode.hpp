// Bounded decoding of encoded spans (base64 blobs, percent-encoded text) so that the matcher can rescan
// them, with the map from each decoded byte back to the encoded bytes it came from: a finding in decoded
// text is reported at its encoded span in the original file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtscan {

struct DecodedText {
  std::string bytes;
  std::vector<uint32_t> source_start; // source_start[i]: offset (in the source) where decoded byte i begins
  std::vector<uint32_t> source_end;   // source_end[j]: offset just past the source of decoded bytes [0, j)
};

// Decodes base64 (standard or URL-safe alphabet) from `start`, which must be a quad boundary, until the
// first byte that is not base64, padding, or `max_out` decoded bytes. Offsets are relative to `src`.
std::optional<DecodedText> decode_base64(std::string_view src, size_t start, size_t max_out);

// Decodes %XX escapes (and nothing else) in src[start, end). Returns nullopt when there is no escape.
std::optional<DecodedText> decode_percent(std::string_view src, size_t start, size_t end);

bool is_base64_char(unsigned char c);
bool has_percent_escape(std::string_view s); // holds at least one %XX

// The run of base64 characters around `pos`, at most `max_extent` bytes on each side.
std::pair<size_t, size_t> base64_run(std::string_view buf, size_t pos, size_t max_extent);

// The run of URL-ish characters (no white space, quotes or angle brackets) around `pos`.
std::pair<size_t, size_t> url_run(std::string_view buf, size_t pos, size_t max_extent);

// The stable base64 text of `literal` at each of the three byte alignments: a base64 blob that encodes
// `literal` contains one of these. `quad_offset` is the trigger's position within its 4-character quad.
struct Base64Trigger {
  std::string text;
  uint32_t quad_offset;
};
std::vector<Base64Trigger> base64_triggers(std::string_view literal);

} // namespace dtscan
