#include "stream_kernels.hpp"

#include <array>

#include <immintrin.h>

#include "isa_choice.hpp"

namespace attnforge::peak {
namespace {

// One accumulator adds one vector per add latency (4 cycles); eight
// independent sums let the loads, not the adds, set the pace even when the
// data comes from L1 (the tiny working sets of a smoke test), so from DRAM
// the loop waits only on memory. One step reads 8 vectors: 8 cache lines
// with AVX-512, 4 with AVX2.
constexpr int read_accumulators = 8;
// Four vectors per copy step: the loop overhead is noise next to a miss.
constexpr int copy_vectors = 4;
static_assert(stream_step_floats % (16 * read_accumulators) == 0 && stream_step_floats % (16 * copy_vectors) == 0,
              "every kernel's step divides stream_step_floats");

__attribute__((target("avx512f"))) float read_avx512(const float *data, int64_t count) {
  __m512 sums[read_accumulators];
  for (__m512 &sum : sums) sum = _mm512_setzero_ps();
  for (int64_t i = 0; i < count; i += 16 * read_accumulators) {
#pragma GCC unroll 8
    for (int a = 0; a < read_accumulators; ++a)
      sums[a] = _mm512_add_ps(sums[a], _mm512_load_ps(data + i + 16 * a));
  }
  for (int a = 1; a < read_accumulators; ++a) sums[0] = _mm512_add_ps(sums[0], sums[a]);
  return _mm512_reduce_add_ps(sums[0]);
}

__attribute__((target("avx512f"))) void copy_avx512(const float *source, float *destination,
                                                     int64_t count) {
  for (int64_t i = 0; i < count; i += 16 * copy_vectors) {
#pragma GCC unroll 4
    for (int a = 0; a < copy_vectors; ++a)
      _mm512_store_ps(destination + i + 16 * a, _mm512_load_ps(source + i + 16 * a));
  }
}

__attribute__((target("avx2"))) float read_avx2(const float *data, int64_t count) {
  __m256 sums[read_accumulators];
  for (__m256 &sum : sums) sum = _mm256_setzero_ps();
  for (int64_t i = 0; i < count; i += 8 * read_accumulators) {
#pragma GCC unroll 8
    for (int a = 0; a < read_accumulators; ++a)
      sums[a] = _mm256_add_ps(sums[a], _mm256_load_ps(data + i + 8 * a));
  }
  for (int a = 1; a < read_accumulators; ++a) sums[0] = _mm256_add_ps(sums[0], sums[a]);
  alignas(32) std::array<float, 8> lanes;
  _mm256_store_ps(lanes.data(), sums[0]);
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum;
}

__attribute__((target("avx2"))) void copy_avx2(const float *source, float *destination,
                                               int64_t count) {
  for (int64_t i = 0; i < count; i += 8 * copy_vectors) {
#pragma GCC unroll 4
    for (int a = 0; a < copy_vectors; ++a)
      _mm256_store_ps(destination + i + 8 * a, _mm256_load_ps(source + i + 8 * a));
  }
}

// Widest first: the first supported kernel is the one "auto" takes.
constexpr std::array kernels{
    StreamKernel{"avx512", "avx512f", read_avx512, copy_avx512, cpu_has_avx512f},
    StreamKernel{"avx2", "avx2", read_avx2, copy_avx2, cpu_has_avx2},
};

} // namespace

std::span<const StreamKernel> stream_kernels() { return kernels; }

} // namespace attnforge::peak
