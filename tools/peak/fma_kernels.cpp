#include "fma_kernels.hpp"

#include <array>

#include <immintrin.h>

#include "isa_choice.hpp"

namespace attnforge::peak {
namespace {

// Each FMA depends on the previous one into the same accumulator, so one
// accumulator issues one FMA per FMA latency (4 cycles on Intel since Skylake
// and on Zen 4). Two FMA pipes need at least 2 x 4 = 8 independent chains;
// 16 leaves headroom for a 5-cycle latency or three pipes. AVX-512 has 32
// registers, so 16 accumulators plus the two operands never spill.
constexpr int avx512_accumulators = 16;
// AVX2 has only 16 registers: 12 accumulators + 2 operands still fit.
constexpr int avx2_accumulators = 12;

// acc = acc * multiplier + addend converges to addend / (1 - multiplier)
// (about 1.0): values stay normal, so no denormal slow path, no overflow.
constexpr float multiplier = 0.999999f;
constexpr float addend = 1e-6f;

__attribute__((target("avx512f"))) float run_avx512(int64_t iterations, float seed) {
  __m512 accumulators[avx512_accumulators];
  for (int a = 0; a < avx512_accumulators; ++a)
    accumulators[a] = _mm512_set1_ps(seed + static_cast<float>(a));
  const __m512 scale = _mm512_set1_ps(multiplier);
  const __m512 offset = _mm512_set1_ps(addend);
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int a = 0; a < avx512_accumulators; ++a)
      accumulators[a] = _mm512_fmadd_ps(accumulators[a], scale, offset);
  }
  __m512 total = accumulators[0];
  for (int a = 1; a < avx512_accumulators; ++a) total = _mm512_add_ps(total, accumulators[a]);
  return _mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,fma"))) float run_avx2(int64_t iterations, float seed) {
  __m256 accumulators[avx2_accumulators];
  for (int a = 0; a < avx2_accumulators; ++a)
    accumulators[a] = _mm256_set1_ps(seed + static_cast<float>(a));
  const __m256 scale = _mm256_set1_ps(multiplier);
  const __m256 offset = _mm256_set1_ps(addend);
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int a = 0; a < avx2_accumulators; ++a)
      accumulators[a] = _mm256_fmadd_ps(accumulators[a], scale, offset);
  }
  __m256 total = accumulators[0];
  for (int a = 1; a < avx2_accumulators; ++a) total = _mm256_add_ps(total, accumulators[a]);
  alignas(32) std::array<float, 8> lanes;
  _mm256_store_ps(lanes.data(), total);
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum;
}

constexpr std::array kernels{
    FmaKernel{"avx512", "avx512f", int64_t{avx512_accumulators} * 16 * 2, run_avx512, cpu_has_avx512f},
    FmaKernel{"avx2", "avx2+fma", int64_t{avx2_accumulators} * 8 * 2, run_avx2, cpu_has_avx2_fma},
};

} // namespace

std::span<const FmaKernel> fma_kernels() { return kernels; }

} // namespace attnforge::peak
