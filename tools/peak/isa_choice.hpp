// attnforge-peak's kernels exist once per instruction set, each compiled for
// its own ISA through a function target attribute, so that one binary carries
// them all; this picks at run time the one this CPU executes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace attnforge::peak {

// __builtin_cpu_supports reads cpuid and, for AVX and AVX-512, also checks
// that the OS saves the wide registers (XGETBV), which cpuid alone does not say.
inline bool cpu_has_avx512f() { return __builtin_cpu_supports("avx512f"); }
inline bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }
inline bool cpu_has_avx2_fma() { return cpu_has_avx2() && __builtin_cpu_supports("fma"); }

// The kernel named `isa` ("auto": the first, i.e. widest, this CPU supports)
// from `kernels` (widest first); nullopt when this CPU cannot run it or the
// name is unknown. Kernel has `isa` and `supported()`.
template <typename Kernel>
std::optional<Kernel> choose_for_isa(std::span<const Kernel> kernels, std::string_view isa) {
  for (const Kernel &kernel : kernels)
    if ((isa == "auto" || isa == kernel.isa) && kernel.supported()) return kernel;
  return std::nullopt;
}

// Why choose_for_isa found nothing, naming what the CPU would need from the
// table's own `cpu_features`; `what` qualifies the kernels ("memory ").
template <typename Kernel>
std::string no_kernel_message(std::span<const Kernel> kernels, std::string_view isa, std::string_view what) {
  std::string needs;
  for (const Kernel &kernel : kernels) {
    if (isa != "auto" && isa != kernel.isa) continue;
    needs += fmt::format("{}{}", needs.empty() ? "" : " or ", kernel.cpu_features);
  }
  return fmt::format("this CPU cannot run the '{}' {}kernel{} (needs {})", isa, what, isa == "auto" ? "s" : "",
                     needs.empty() ? "a known instruction set" : needs);
}

} // namespace attnforge::peak
