// Checking one call against the chosen variant's tensor and parameter specs,
// before anything runs. See docs/runtime.md for the rules.
#pragma once

#include "attnforge/registry.hpp"

namespace attnforge::detail {

// Throws Error(InvalidArgument) at the first broken rule, naming the
// argument, what was expected and what came. Reads integer CPU tensors to
// bound their values; never writes to any tensor.
void validate_arguments(const VariantInfo &variant, const Arguments &arguments);

} // namespace attnforge::detail
