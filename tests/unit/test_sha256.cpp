// SHA-256 against the FIPS 180-4 example vectors and `sha256sum` output around the padding boundaries.
#include "scanner/sha256.hpp"

#include <doctest/doctest.h>

#include <string>

using dtscan::Sha256;
using dtscan::sha256_hex;

TEST_CASE("sha256: standard vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: lengths around the 56- and 64-byte padding boundaries") {
  // Computed with `head -c N /dev/zero | tr '\0' a | sha256sum`.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(63, 'a')) == "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(65, 'a')) == "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

TEST_CASE("sha256: bytes outside ASCII and NUL are hashed as bytes") {
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += char(i);
  Sha256 h;
  h.update(bytes);
  CHECK(h.hex_digest() == sha256_hex(bytes));
  CHECK(sha256_hex(std::string(1, '\0')) != sha256_hex(""));
}

TEST_CASE("sha256: incremental updates in uneven pieces equal one update") {
  std::string data(1000000, 'a');
  for (size_t piece : {1, 3, 55, 63, 64, 65, 1000, 4099}) {
    Sha256 h;
    for (size_t pos = 0; pos < data.size(); pos += piece)
      h.update(std::string_view(data).substr(pos, piece));
    CHECK(h.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  Sha256 empty_updates;
  empty_updates.update("");
  empty_updates.update("ab");
  empty_updates.update("");
  empty_updates.update("c");
  CHECK(empty_updates.hex_digest() == sha256_hex("abc"));
}
