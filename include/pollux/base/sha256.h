// SHA-256 (FIPS 180-4), used for codebook identity, tensor checksums and weight digests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pollux {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  std::array<std::uint8_t, 32> digest();  // finishes the hash; the object is spent after
  std::string hex_digest();               // lower-case hex of digest()

 private:
  void compress(const std::uint8_t* block);
  std::uint32_t state_[8];
  std::uint8_t buffer_[64];
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

std::string sha256_hex(const void* data, std::size_t size);

}  // namespace pollux
