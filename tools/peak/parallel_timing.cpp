#include "parallel_timing.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "median.hpp"

namespace attnforge::peak {
namespace {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

Repeat run_once(int threads, const std::function<void(int thread)> &work) {
  std::vector<double> cpu_seconds(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      const double cpu_start = thread_cpu_seconds();
      work(t);
      cpu_seconds[t] = thread_cpu_seconds() - cpu_start;
    });
  for (std::thread &worker : workers) worker.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {wall, *std::min_element(cpu_seconds.begin(), cpu_seconds.end()) / wall};
}

} // namespace

Repeats time_on_threads(int threads, int repeats, const std::function<void(int thread)> &work) {
  std::vector<Repeat> timed;
  for (int r = 0; r < repeats; ++r) timed.push_back(run_once(threads, work));
  std::vector<double> seconds;
  for (const Repeat &repeat : timed) seconds.push_back(repeat.seconds);
  const Repeat best = *std::min_element(timed.begin(), timed.end(),
                                        [](const Repeat &a, const Repeat &b) { return a.seconds < b.seconds; });
  return {best, tools::median(seconds)};
}

} // namespace attnforge::peak
