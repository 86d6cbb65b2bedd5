// The ranking measure and apply both print: one row per measured candidate,
// fastest first, then the candidates left out and why.
#pragma once

#include "measurements.hpp"

namespace attnforge::tune {

void print_standings(const TuningPlan &plan, const Measurements &measurements);

} // namespace attnforge::tune
