// FMA throughput kernels, one per instruction set, each compiled for its own
// ISA through a function target attribute so that one binary carries them all
// and picks at run time what this CPU can execute.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace attnforge::peak {

struct FmaKernel {
  std::string_view isa;               // "avx512", "avx2"
  std::string_view cpu_features;      // what the CPU must support, for messages
  int64_t flops_per_iteration;        // accumulators x lanes x 2 (an FMA is 2 FLOPs)
  // Runs `iterations` rounds of independent FMAs and returns a value that
  // depends on every one of them, so the compiler cannot delete the loop.
  float (*run)(int64_t iterations, float seed);
  bool (*supported)();
};

// Best first: the first supported kernel is this machine's peak (pick one
// with choose_for_isa).
std::span<const FmaKernel> fma_kernels();

} // namespace attnforge::peak
