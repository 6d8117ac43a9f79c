// The extended binary Golay code [24, 12, 8] in the systematic form of spec section 2.
//
// A 12-bit message m is encoded with the cyclic generator g(x) = x^11+x^9+x^7+x^6+x^5+x+1:
// the 23-bit word is (m << 11) | ((m << 11) mod g), and bit 23 is the word's parity.
// Bit i of a codeword is coordinate i. So coordinates 11..22 carry the message bits
// (the information positions) and coordinates 0..10 and 23 the check bits.
#pragma once

#include <array>
#include <cstdint>

#include "pollux/lattice/constants.h"  // kGolayMessages, kOctadCount

namespace pollux::lattice {

// The 24-bit codeword of message m (m < 4096).
std::uint32_t golay_encode(std::uint32_t m);

// The 12 check bits of message m packed as a 12-bit number: bits 0..10 are coordinates
// 0..10, bit 11 is coordinate 23. For the extended Golay code this map is a bijection of
// 12-bit numbers (the check positions are an information set too, as the code is self-dual).
std::uint32_t golay_check_bits(std::uint32_t m);

// All 759 weight-8 codewords (octads) as 24-bit masks, in increasing message order.
const std::array<std::uint32_t, kOctadCount>& golay_octads();

}  // namespace pollux::lattice
