// The fp32 FMA peak in GFLOP/s, the yardstick the benchmarks divide by
// ("% of FMA peak"): every thread runs the same fixed number of FMA rounds.
#pragma once

#include "peak_options.hpp"

namespace attnforge::peak {

// Measures and prints (JSON or for people); returns the exit code.
int report_fma_peak(const PeakOptions &options);

} // namespace attnforge::peak
