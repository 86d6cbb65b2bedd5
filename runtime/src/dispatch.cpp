#include "dispatch.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

namespace attnforge::detail {
namespace {

// The last dimension's extent, when the view has one to read.
std::optional<int64_t> last_extent(const TensorView &view) {
  if (!view.present() || view.rank < 1 || view.rank > 4) return std::nullopt;
  return view.shape[view.rank - 1];
}

int specialisation(const VariantInfo &variant) { return (variant.head_dim > 0) + (variant.value_dim > 0); }

std::string describe(const char *name, const TensorView &view) {
  if (!view.present()) return fmt::format("{} (absent)", name);
  return fmt::format("{} ({} {} {})", name, to_string(view.dtype), to_string(view.device), view.shape_string());
}

// "block_size = 128, this variant takes block_size = 64" for each parameter
// the variant fixes to one value and the call sets to another. Non-finite
// values are left to validation, which says what is wrong with them.
void add_fixed_param_problems(const VariantInfo &variant, const Arguments &arguments,
                              std::vector<std::string> &problems) {
  for (const ParamInfo &spec : variant.params) {
    if (spec.min_value != spec.max_value) continue;
    const auto given = arguments.params.find(spec.name);
    if (given == arguments.params.end() || !std::isfinite(given->second)) continue;
    if (given->second != spec.min_value) {
      problems.push_back(fmt::format("{} = {}, this variant takes {} = {}", spec.name, given->second, spec.name,
                                     spec.min_value));
    }
  }
}

} // namespace

std::string fit_problem(const VariantInfo &variant, const Arguments &arguments, FixedParams fixed_params) {
  if (!variant.usable) return fmt::format("cannot run on this machine: {}", variant.unusable_reason);
  std::vector<std::string> problems;
  const TensorView &q = arguments.q;
  if (q.device != variant.device) {
    problems.push_back(fmt::format("q is a {} tensor, this variant runs on {}", to_string(q.device),
                                   to_string(variant.device)));
  }
  if (q.dtype != variant.dtype) {
    problems.push_back(fmt::format("q is {}, this variant takes {}", to_string(q.dtype), to_string(variant.dtype)));
  }
  if (auto d = last_extent(q); d && variant.head_dim > 0 && *d != variant.head_dim) {
    problems.push_back(fmt::format("D = {}, this variant takes D = {}", *d, variant.head_dim));
  }
  if (auto dv = last_extent(arguments.v); dv && variant.value_dim > 0 && *dv != variant.value_dim) {
    problems.push_back(fmt::format("Dv = {}, this variant takes Dv = {}", *dv, variant.value_dim));
  }
  if (fixed_params == FixedParams::Select) add_fixed_param_problems(variant, arguments, problems);
  return fmt::format("{}", fmt::join(problems, "; "));
}

const VariantInfo &choose_variant(std::string_view kernel_name, const std::vector<const VariantInfo *> &candidates,
                                  const Arguments &arguments, FixedParams fixed_params) {
  // q decides dtype and device: without it there is nothing to dispatch on.
  if (!arguments.q.present()) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("{}: missing required argument 'q'", kernel_name));
  }
  const VariantInfo *best = nullptr;
  std::vector<std::string> reasons;
  for (const VariantInfo *candidate : candidates) {
    std::string problem = fit_problem(*candidate, arguments, fixed_params);
    if (!problem.empty()) {
      reasons.push_back(fmt::format("  {}: {}", candidate->id, problem));
      continue;
    }
    const bool better = best == nullptr || candidate->priority > best->priority ||
                        (candidate->priority == best->priority && specialisation(*candidate) > specialisation(*best));
    if (better) best = candidate;
  }
  if (best != nullptr) return *best;
  throw Error(ErrorCategory::Unsupported,
              fmt::format("{}: no variant can run {}, {}:\n{}", kernel_name, describe("q", arguments.q),
                          describe("v", arguments.v), fmt::join(reasons, "\n")));
}

} // namespace attnforge::detail
