// SHA-256 (FIPS 180-4) without a crypto library: content addressing of blobs and seeding of the fake-token
// generator need a stable hash, not OpenSSL as a dependency.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dtscan {

// Incremental hashing: update() any number of times, then digest() once.
class Sha256 {
public:
  Sha256();
  void update(std::string_view data);
  std::array<uint8_t, 32> digest();
  std::string hex_digest();

private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> m_state;
  std::array<uint8_t, 64> m_block{};
  size_t m_block_len = 0;
  uint64_t m_total_len = 0;
  bool m_finished = false;
};

// 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

} // namespace dtscan
