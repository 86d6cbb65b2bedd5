// The candidates a plan measures: the tuned file's current values first
// (the baseline every other candidate is compared with), then points of the
// search space, each named c00, c01, ... in that order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search_space.hpp"

namespace attnforge::tune {

struct Candidate {
  std::string name;
  Params params;   // every tunable of the tuned file, as the build takes them
  Params changed;  // those that differ from the baseline (empty for it)
};

// The baseline, then every point that differs from it in one tunable: each
// other value of each tunable in turn (a coordinate search around what the
// build uses now).
std::vector<Candidate> neighbour_candidates(const Params &baseline, const SearchSpace &space);

// The baseline, then up to `count` - 1 distinct other points of the grid,
// drawn with `seed` (the same seed draws the same points).
std::vector<Candidate> random_candidates(const Params &baseline, const SearchSpace &space, size_t count,
                                         uint64_t seed);

// "keys_per_tile=256 row_block=6"; "(current values)" for the baseline.
std::string describe_changes(const Candidate &candidate);

} // namespace attnforge::tune
