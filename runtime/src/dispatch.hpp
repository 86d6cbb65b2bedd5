// Picking the variant a call runs on, xFormers-style: each candidate either
// fits or says why not, and when none fits the caller sees every reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attnforge/registry.hpp"

namespace attnforge::detail {

// Why `variant` cannot take these arguments ("" when it can). Looks only at
// what dispatch selects on: this machine, q's device and dtype, D (q's last
// dimension) and Dv (v's last dimension). Everything else is validated once
// a variant is chosen, against that variant's own specs.
std::string fit_problem(const VariantInfo &variant, const Arguments &arguments);

// Among candidates that fit: the highest priority, then the most specialised
// (fixed D and Dv beat "any"), then the first found. Throws InvalidArgument
// without q, Unsupported listing every candidate's reason when none fits.
const VariantInfo &choose_variant(std::string_view kernel_name, const std::vector<const VariantInfo *> &candidates,
                                  const Arguments &arguments);

} // namespace attnforge::detail
