// One kernel call set up from a Problem: random inputs, the kernel handle
// (dispatching, or pinned to a variant), the variant it will run, and the
// measurements every command makes of it (time, error against the reference).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "attnforge/reference/attention_inputs.hpp"
#include "attnforge/reference/random.hpp"
#include "kernel_profiles.hpp"

namespace attnforge::cli {

struct KernelCall {
  Kernel kernel;
  const VariantInfo *variant;  // the one the call runs
  reference::AttentionInputs inputs;
  Arguments arguments;
};

// Looks the kernel up by name (or pins `variant_id`, which must belong to that
// kernel), draws the inputs and picks the variant. Throws attnforge::Error.
KernelCall prepare_call(const Registry &registry, const KernelProfile &profile,
                        const Problem &problem, const std::string &variant_id,
                        reference::Random &random);

struct Timing {
  std::vector<double> samples_ms;
  double median_ms = 0;
  double min_ms = 0;
};

// `warmup` untimed calls, then `repeats` timed ones.
Timing time_calls(const KernelCall &call, int warmup, int repeats);

// The FLOPs one call does, by the kernel's own rule (kernel_profiles.cpp), or
// nullopt when the profile counts none.
std::optional<double> flop_count(const KernelProfile &profile, const Problem &problem);

// GFLOP/s at `milliseconds` a call, or nullopt when the FLOP count is unknown.
std::optional<double> gflops(const KernelProfile &profile, const Problem &problem,
                             double milliseconds);

// The double-precision result the call must match. Throws attnforge::Error
// (Unsupported) when the kernel has no reference.
reference::DoubleTensor reference_result(const KernelProfile &profile, const Problem &problem,
                                         const reference::AttentionInputs &inputs);

// Poisons the output, runs the call once and returns ‖out − ref‖ / ‖ref‖.
// Throws like reference_result.
double verification_error(KernelCall &call, const KernelProfile &profile, const Problem &problem);

// The same against a reference result computed beforehand (attnforge-tune
// checks every candidate against one).
double output_error(KernelCall &call, const reference::DoubleTensor &expected);

// What run, verify and bench print first: kernel, variant, problem.
void print_call_summary(const KernelCall &call, const Problem &problem);

} // namespace attnforge::cli
