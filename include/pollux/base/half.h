// IEEE 754 binary16 <-> binary32 conversion (round to nearest even), for row scales stored
// as float16 in .plx files. Plain C++ so the lattice layer needs no LibTorch.
#pragma once

#include <cstdint>

namespace pollux {

float half_to_float(std::uint16_t h);
std::uint16_t float_to_half(float f);

}  // namespace pollux
