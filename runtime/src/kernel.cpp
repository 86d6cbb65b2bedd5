// Kernel handles: choose a variant, validate against it, call it.

#include "attnforge/registry.hpp"
#include "call_bridge.hpp"
#include "dispatch.hpp"
#include "registry_impl.hpp"
#include "validate.hpp"

namespace attnforge {
namespace {

detail::FixedParams fixed_params_for(bool pinned) {
  return pinned ? detail::FixedParams::Validate : detail::FixedParams::Select;
}

} // namespace

const VariantInfo &Kernel::choose(const Arguments &arguments) const {
  return detail::choose_variant(name_, candidates_, arguments, fixed_params_for(pinned_));
}

std::vector<std::pair<std::string, std::string>> Kernel::reasons(const Arguments &arguments) const {
  std::vector<std::pair<std::string, std::string>> reasons;
  for (const VariantInfo *candidate : candidates_) {
    reasons.emplace_back(candidate->id, detail::fit_problem(*candidate, arguments, fixed_params_for(pinned_)));
  }
  return reasons;
}

void Kernel::operator()(const Arguments &arguments) const {
  const VariantInfo &variant = choose(arguments);
  detail::validate_arguments(variant, arguments);
  detail::call_variant(variant, registry_->impl_->abi_variant(variant), arguments);
}

} // namespace attnforge
