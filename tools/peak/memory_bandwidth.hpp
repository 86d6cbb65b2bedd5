// This machine's memory bandwidth in GB/s (10⁹ bytes), the other yardstick
// of a roofline: every thread streams over its own slice of one buffer far
// larger than the last-level cache, reading it (a sum) and copying it.
#pragma once

#include "peak_options.hpp"

namespace attnforge::peak {

// Measures and prints (JSON or for people); returns the exit code.
int report_memory_bandwidth(const PeakOptions &options);

} // namespace attnforge::peak
