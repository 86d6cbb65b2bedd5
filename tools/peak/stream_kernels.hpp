// Memory streaming kernels, one per instruction set, each compiled for its own
// ISA through a function target attribute, as the FMA kernels are, so that
// one binary carries them all and picks at run time what this CPU executes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace attnforge::peak {

// Every kernel's `count` must be a multiple of this (the AVX-512 read's step:
// 8 vectors of 16), and its arrays aligned to 64 bytes.
constexpr int64_t stream_step_floats = 128;

struct StreamKernel {
  std::string_view isa;           // "avx512", "avx2": the names the FMA kernels use
  std::string_view cpu_features;  // what the CPU must support, for messages
  // Sums data[0, count) and returns it, so the loads cannot be deleted.
  float (*read)(const float *data, int64_t count);
  // destination[i] = source[i] with ordinary (write-allocate) stores, the
  // kind the attention kernels use, not non-temporal ones.
  void (*copy)(const float *source, float *destination, int64_t count);
  bool (*supported)();
};

// Widest first (pick one with choose_for_isa).
std::span<const StreamKernel> stream_kernels();

} // namespace attnforge::peak
