// IEEE 754 binary16 <-> binary32 conversion (round to nearest even), for row scales stored
// as float16 in .plx files and the lut runtime's float16 KV cache. Plain C++ so the lattice
// layer needs no LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pollux {

float half_to_float(std::uint16_t h);
std::uint16_t float_to_half(float f);

// The same for n values at once, with the CPU's F16C conversions where it has them: equal to
// the scalar functions for every value but NaN (whose payload may differ).
void halves_to_floats(const std::uint16_t* h, float* f, std::size_t n);
void floats_to_halves(const float* f, std::uint16_t* h, std::size_t n);

}  // namespace pollux
