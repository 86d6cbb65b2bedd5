// schedules/tuned/<target>/<kernel>.json, the tuned values the build feeds
// to a generator: "params" for every head size, and an optional
// "head_dim_<N>" object overriding some of them for head size N (0: the
// any-size variant). cmake/AttnforgeKernels.cmake reads them the same way.
#pragma once

#include <string>

#include "search_space.hpp"

namespace attnforge::tune {

// "head_dim_64"; "head_dim_0" for the any-size variant.
std::string head_dim_section(int head_dim);

// The values head size `head_dim` is built with. Throws InvalidArgument
// (naming `source`) when "params" or the section is not an object.
Params tuned_params(const Json &tuned, int head_dim, const std::string &source);

// `tuned` with head size `head_dim` built with `winner`'s values: each one
// that differs from "params" goes into the head-size section, each one equal
// to it leaves the section (an empty section is dropped); "found" gains
// `found` under the section's name. Everything else is kept as it was.
Json with_winner(Json tuned, int head_dim, const Params &winner, const Json &found);

} // namespace attnforge::tune
