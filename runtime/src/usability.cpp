#include "usability.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "cpu_features.hpp"
#include "cuda_probe.hpp"

namespace attnforge::detail {

std::string unusable_reason(const af_variant &variant, const MachineFeatures &machine) {
  if (variant.device == AF_DEVICE_CUDA) return cuda_unavailable_reason();

  // A newer plugin may ask for a feature this runtime cannot test: assume absent.
  if (uint64_t unknown = variant.required_cpu_features & ~known_cpu_feature_mask()) {
    return fmt::format("it needs CPU features this attnforge cannot detect (bits 0x{:x})", unknown);
  }
  const uint64_t missing = variant.required_cpu_features & ~machine.cpu_features;
  if (missing == 0) return "";
  std::vector<std::string> described;
  for (const auto &name : cpu_feature_names(missing)) {
    const bool hidden = (machine.hidden & *cpu_feature_bit(name)) != 0;
    described.push_back(hidden ? name + " (hidden by RegistryOptions::hide_cpu_features)" : name);
  }
  return fmt::format("this CPU lacks {}", fmt::join(described, ", "));
}

} // namespace attnforge::detail
