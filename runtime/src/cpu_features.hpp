// Which af_cpu_feature bits this machine can execute, and their names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attnforge::detail {

struct CpuFeatureName {
  uint64_t bit; // one af_cpu_feature
  const char *name; // "avx512f": the spelling of Halide targets and /proc/cpuinfo
};

std::span<const CpuFeatureName> known_cpu_features();
uint64_t known_cpu_feature_mask();
std::optional<uint64_t> cpu_feature_bit(std::string_view name);
// Names of the known bits set in `bits`, in af_cpu_feature order.
std::vector<std::string> cpu_feature_names(uint64_t bits);

// Features both the CPU has and the operating system saves across context
// switches (a CPU with AVX-512 under an OS that does not save ZMM state
// cannot use it). Computed once.
uint64_t detected_cpu_features();

} // namespace attnforge::detail
