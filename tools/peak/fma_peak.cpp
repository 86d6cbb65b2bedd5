#include "fma_peak.hpp"

#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "counted.hpp"
#include "fma_kernels.hpp"
#include "isa_choice.hpp"
#include "parallel_timing.hpp"

namespace attnforge::peak {
namespace {

struct Measurement {
  double best_gflops = 0;
  double median_gflops = 0;
  Repeat best;
};

// Written, never read: a volatile store is observable, so the kernels' results
// (and with them every FMA) must really be computed.
volatile float result_sink;

Measurement measure(const FmaKernel &kernel, const PeakOptions &options) {
  const double flops = static_cast<double>(kernel.flops_per_iteration) *
                       static_cast<double>(options.iterations) * options.threads;
  std::vector<float> results(options.threads);
  const Repeats repeats = time_on_threads(options.threads, options.repeats, [&](int t) {
    results[t] = kernel.run(options.iterations, 1e-3f * static_cast<float>(t));
  });
  float total = 0;
  for (float value : results) total += value;
  result_sink = total;
  return {flops / repeats.best.seconds * 1e-9, flops / repeats.median_seconds * 1e-9, repeats.best};
}

void print_human(const FmaKernel &kernel, const PeakOptions &options, const Measurement &result) {
  fmt::print("fp32 FMA peak, {} ({}), {}\n", kernel.isa, kernel.cpu_features,
             tools::counted(options.threads, "thread"));
  fmt::print("  best    {:8.1f} GFLOP/s  ({:.1f} per thread)\n", result.best_gflops,
             result.best_gflops / options.threads);
  fmt::print("  median  {:8.1f} GFLOP/s\n", result.median_gflops);
  fmt::print("  {}; each thread: {} rounds x {} FLOPs, best {:.3f} s\n", tools::counted(options.repeats, "repeat"),
             options.iterations, kernel.flops_per_iteration, result.best.seconds);
  if (result.best.cpu_share < busy_cpu_share)
    fmt::print("  warning: a thread had only {:.0f}% of a CPU: other work shares these cores, "
               "the peak is understated\n",
               100 * result.best.cpu_share);
}

void print_json(const FmaKernel &kernel, const PeakOptions &options, const Measurement &result) {
  fmt::print(
      "{{\"isa\":\"{}\",\"threads\":{},\"gflops\":{:.2f},\"per_core_gflops\":{:.2f},"
      "\"median_gflops\":{:.2f},\"repeats\":{},\"iterations\":{},\"best_seconds\":{:.4f},"
      "\"cpu_share\":{:.3f}}}\n",
      kernel.isa, options.threads, result.best_gflops, result.best_gflops / options.threads,
      result.median_gflops, options.repeats, options.iterations, result.best.seconds,
      result.best.cpu_share);
}

} // namespace

int report_fma_peak(const PeakOptions &options) {
  const auto kernel = choose_for_isa(fma_kernels(), options.isa);
  if (!kernel) {
    fmt::print(stderr, "attnforge-peak: error: {}\n", no_kernel_message(fma_kernels(), options.isa, ""));
    return 2;
  }
  const Measurement result = measure(*kernel, options);
  if (options.json)
    print_json(*kernel, options, result);
  else
    print_human(*kernel, options, result);
  return 0;
}

} // namespace attnforge::peak
