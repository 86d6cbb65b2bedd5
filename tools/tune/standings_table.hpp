// The ranking measure and apply both print: the candidates left out and why,
// then one row per measured candidate, fastest first.
#pragma once

#include <vector>

#include "measurements.hpp"

namespace attnforge::tune {

// The candidates left out, and why.
void print_left_out(const TuningPlan &plan, const Measurements &measurements);

// Prints those, then prints and returns rank_candidates' standings (and throws as it does,
// after the left-out candidates are printed).
std::vector<Standing> print_standings(const TuningPlan &plan, const Measurements &measurements);

} // namespace attnforge::tune
