// Escaping of control bytes for text output and warnings.
#include "scanner/printable.hpp"

namespace dtscan {

std::string printable(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      out += "\\x";
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace dtscan
