// Kernel handles: choose a variant, validate against it, call it.

#include "attnforge/registry.hpp"
#include "call_bridge.hpp"
#include "dispatch.hpp"
#include "registry_impl.hpp"
#include "validate.hpp"

namespace attnforge {

const VariantInfo &Kernel::choose(const Arguments &arguments) const {
  return detail::choose_variant(name_, candidates_, arguments);
}

std::vector<std::pair<std::string, std::string>> Kernel::reasons(const Arguments &arguments) const {
  std::vector<std::pair<std::string, std::string>> reasons;
  for (const VariantInfo *candidate : candidates_) {
    reasons.emplace_back(candidate->id, detail::fit_problem(*candidate, arguments));
  }
  return reasons;
}

void Kernel::operator()(const Arguments &arguments) const {
  const VariantInfo &variant = choose(arguments);
  detail::validate_arguments(variant, arguments);
  detail::call_variant(variant, registry_->impl_->abi_variant(variant), arguments);
}

} // namespace attnforge
