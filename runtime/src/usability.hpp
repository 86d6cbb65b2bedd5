// Can this machine run a variant at all, whatever the inputs?
#pragma once

#include <cstdint>
#include <string>

#include "attnforge/plugin_abi.h"

namespace attnforge::detail {

struct MachineFeatures {
  uint64_t cpu_features = 0; // what the CPU and OS support, hidden ones removed
  uint64_t hidden = 0;       // RegistryOptions::hide_cpu_features, to say so in reasons
};

// "" when usable; otherwise why not, for VariantInfo::unusable_reason.
std::string unusable_reason(const af_variant &variant, const MachineFeatures &machine);

} // namespace attnforge::detail
