// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto (it uses the CPU's SHA extensions where
// there are any), for codebook identity, tensor and file checksums and weight digests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of every includer

namespace pollux {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  std::array<std::uint8_t, 32> digest();  // finishes the hash; the object is spent after
  std::string hex_digest();               // lower-case hex of digest()

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(const void* data, std::size_t size);
// Lower-case hex of a digest.
std::string to_hex(const std::array<std::uint8_t, 32>& digest);

}  // namespace pollux
