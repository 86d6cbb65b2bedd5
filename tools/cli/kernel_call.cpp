#include "kernel_call.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "attnforge/reference/error_metric.hpp"
#include "attnforge/reference/host_tensor.hpp"
#include "median.hpp"

namespace attnforge::cli {
namespace {

Kernel find_kernel(const Registry &registry, const std::string &kernel,
                   const std::string &variant_id) {
  if (variant_id.empty()) return registry.kernel(kernel);
  Kernel pinned = registry.variant(variant_id);
  for (const VariantInfo *candidate : pinned.candidates()) {
    if (candidate->kernel != kernel) {
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("--variant: '{}' is a variant of kernel '{}', not of '{}'",
                              variant_id, candidate->kernel, kernel));
    }
  }
  return pinned;
}

} // namespace

KernelCall prepare_call(const Registry &registry, const KernelProfile &profile,
                        const Problem &problem, const std::string &variant_id,
                        reference::Random &random) {
  Kernel kernel = find_kernel(registry, profile.name, variant_id);
  reference::AttentionInputs inputs =
      reference::make_attention_inputs(problem.shape, random, problem.inputs);
  if (profile.add_tensors) profile.add_tensors(problem, inputs);
  Arguments arguments = inputs.arguments(problem.params);
  const VariantInfo *variant = &kernel.choose(arguments);
  return KernelCall{std::move(kernel), variant, std::move(inputs), std::move(arguments)};
}

Timing time_calls(const KernelCall &call, int warmup, int repeats) {
  for (int n = 0; n < warmup; ++n) call.kernel(call.arguments);
  Timing timing;
  for (int n = 0; n < repeats; ++n) {
    const auto start = std::chrono::steady_clock::now();
    call.kernel(call.arguments);
    const auto stop = std::chrono::steady_clock::now();
    timing.samples_ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  timing.median_ms = tools::median(timing.samples_ms);
  timing.min_ms = *std::min_element(timing.samples_ms.begin(), timing.samples_ms.end());
  return timing;
}

std::optional<double> flop_count(const KernelProfile &profile, const Problem &problem) {
  const double flops = profile.flop_count ? profile.flop_count(problem) : 0;
  if (flops <= 0) return std::nullopt;
  return flops;
}

std::optional<double> gflops(const KernelProfile &profile, const Problem &problem,
                             double milliseconds) {
  const auto flops = flop_count(profile, problem);
  if (!flops || milliseconds <= 0) return std::nullopt;
  return *flops / (milliseconds * 1e-3) / 1e9;
}

reference::DoubleTensor reference_result(const KernelProfile &profile, const Problem &problem,
                                         const reference::AttentionInputs &inputs) {
  if (!profile.reference) {
    throw Error(ErrorCategory::Unsupported,
                fmt::format("no reference for kernel '{}' to check against (add one to its row in "
                            "tools/cli/kernel_profiles.cpp)",
                            profile.name));
  }
  return profile.reference(problem, inputs);
}

double verification_error(KernelCall &call, const KernelProfile &profile, const Problem &problem) {
  return output_error(call, reference_result(profile, problem, call.inputs));
}

double output_error(KernelCall &call, const reference::DoubleTensor &expected) {
  reference::poison(call.inputs.out.view());
  call.kernel(call.arguments);
  return reference::relative_l2_error(call.inputs.out.view(), expected);
}

} // namespace attnforge::cli
