#include "cpu_features.hpp"

#include "attnforge/plugin_abi.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace attnforge::detail {
namespace {

constexpr CpuFeatureName kFeatures[] = {
    {AF_CPU_SSE41, "sse41"},       {AF_CPU_AVX, "avx"},           {AF_CPU_AVX2, "avx2"},
    {AF_CPU_FMA, "fma"},           {AF_CPU_F16C, "f16c"},         {AF_CPU_AVX512F, "avx512f"},
    {AF_CPU_AVX512CD, "avx512cd"}, {AF_CPU_AVX512BW, "avx512bw"}, {AF_CPU_AVX512DQ, "avx512dq"},
    {AF_CPU_AVX512VL, "avx512vl"},
};

#if defined(__x86_64__) || defined(__i386__)
// XCR0 bits: which register state the OS saves (and so lets programs use).
constexpr uint64_t kXcr0SseAndAvxState = (1u << 1) | (1u << 2);
constexpr uint64_t kXcr0Avx512State = (1u << 5) | (1u << 6) | (1u << 7); // opmask, ZMM0-15 high, ZMM16-31

uint64_t read_xcr0() {
  uint32_t low = 0, high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return (uint64_t{high} << 32) | low;
}

uint64_t detect() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  uint64_t features = 0;
  if (ecx & bit_SSE4_1) features |= AF_CPU_SSE41;

  // xgetbv faults unless the OS has enabled XSAVE, hence the OSXSAVE test first.
  const uint64_t xcr0 = (ecx & bit_OSXSAVE) ? read_xcr0() : 0;
  const bool os_saves_avx = (xcr0 & kXcr0SseAndAvxState) == kXcr0SseAndAvxState;
  const bool os_saves_avx512 = os_saves_avx && (xcr0 & kXcr0Avx512State) == kXcr0Avx512State;
  if (os_saves_avx) {
    // FMA and F16C are VEX-encoded: they need the same YMM state as AVX.
    if (ecx & bit_AVX) features |= AF_CPU_AVX;
    if (ecx & bit_FMA) features |= AF_CPU_FMA;
    if (ecx & bit_F16C) features |= AF_CPU_F16C;
  }

  if (__get_cpuid_max(0, nullptr) < 7) return features;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  if (os_saves_avx && (ebx & bit_AVX2)) features |= AF_CPU_AVX2;
  if (os_saves_avx512) {
    if (ebx & bit_AVX512F) features |= AF_CPU_AVX512F;
    if (ebx & bit_AVX512CD) features |= AF_CPU_AVX512CD;
    if (ebx & bit_AVX512BW) features |= AF_CPU_AVX512BW;
    if (ebx & bit_AVX512DQ) features |= AF_CPU_AVX512DQ;
    if (ebx & bit_AVX512VL) features |= AF_CPU_AVX512VL;
  }
  return features;
}
#else
uint64_t detect() { return 0; }
#endif

} // namespace

std::span<const CpuFeatureName> known_cpu_features() { return kFeatures; }

uint64_t known_cpu_feature_mask() {
  uint64_t mask = 0;
  for (const auto &feature : kFeatures) mask |= feature.bit;
  return mask;
}

std::optional<uint64_t> cpu_feature_bit(std::string_view name) {
  for (const auto &feature : kFeatures) {
    if (name == feature.name) return feature.bit;
  }
  return std::nullopt;
}

std::vector<std::string> cpu_feature_names(uint64_t bits) {
  std::vector<std::string> names;
  for (const auto &feature : kFeatures) {
    if (bits & feature.bit) names.emplace_back(feature.name);
  }
  return names;
}

uint64_t detected_cpu_features() {
  static const uint64_t features = detect();
  return features;
}

} // namespace attnforge::detail
