// Reading one af_variant from a plugin table: is it well formed, and what
// does it say (as a VariantInfo).
#pragma once

#include <string>

#include "attnforge/plugin_abi.h"
#include "attnforge/registry.hpp"
#include "plugin_loader.hpp"

namespace attnforge::detail {

// "" when the entry is usable by the runtime; otherwise what is wrong with
// it. Checks everything validation and dispatch later rely on, so they can
// trust the table: strings present, codes known, shapes parseable, q/k/v/out
// declared and required, bounds sensible.
std::string variant_table_problem(const af_variant &variant);

// The variant as the C++ API shows it; `variant` must have passed the check.
// `usable` is left true: whether this machine can run it is decided apart.
VariantInfo describe_variant(const af_variant &variant, const LoadedPlugin &plugin);

} // namespace attnforge::detail
