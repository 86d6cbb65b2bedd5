// Picking the variant a call runs on, xFormers-style: each candidate either
// fits or says why not, and when none fits the caller sees every reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attnforge/registry.hpp"

namespace attnforge::detail {

// Whether a parameter whose range is one value (min == max, fixed when the
// variant was built, like sparse's block_size) takes part in choosing. A kernel
// asked for by name selects the variant built for the value the call sets; a
// variant pinned by id leaves it to validation, which rejects another value
// as InvalidArgument, since the caller named that variant on purpose.
enum class FixedParams { Select, Validate };

// Why `variant` cannot take these arguments ("" when it can). Looks only at
// what dispatch selects on: this machine, q's device and dtype, D (q's last
// dimension), Dv (v's last dimension) and, with FixedParams::Select, the fixed
// parameters the call sets. Everything else is validated once a variant is
// chosen, against that variant's own specs.
std::string fit_problem(const VariantInfo &variant, const Arguments &arguments, FixedParams fixed_params);

// Among candidates that fit: the highest priority, then the most specialised
// (fixed D and Dv beat "any"), then the first found. Throws InvalidArgument
// without q, Unsupported listing every candidate's reason when none fits.
const VariantInfo &choose_variant(std::string_view kernel_name, const std::vector<const VariantInfo *> &candidates,
                                  const Arguments &arguments, FixedParams fixed_params);

} // namespace attnforge::detail
