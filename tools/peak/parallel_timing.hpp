// How attnforge-peak times work spread over threads, shared by its FMA and
// memory measurements: a repeat's time runs from the first thread's start to
// the last thread's end, so a slow core shows up instead of being averaged away.
#pragma once

#include <functional>

namespace attnforge::peak {

struct Repeat {
  double seconds = 0;
  // The smallest fraction of the wall time any thread spent on a CPU.
  double cpu_share = 0;
};

// Below this share something else ran on our cores (a build, another
// benchmark) and the figure understates the machine: say so.
constexpr double busy_cpu_share = 0.95;

struct Repeats {
  Repeat best;  // the fastest
  double median_seconds = 0;
};

// Runs work(thread) on `threads` threads at once, `repeats` times.
Repeats time_on_threads(int threads, int repeats, const std::function<void(int thread)> &work);

} // namespace attnforge::peak
