// Crossing into a plugin: a validated call becomes an af_call, goes through
// the variant's check then run, and a failure status becomes an Error.
#pragma once

#include "attnforge/plugin_abi.h"
#include "attnforge/registry.hpp"

namespace attnforge::detail {

// `arguments` must already be validated against `info`. Throws Error with the
// category the status maps to and a message that starts with the variant id.
void call_variant(const VariantInfo &info, const af_variant &variant, const Arguments &arguments);

} // namespace attnforge::detail
