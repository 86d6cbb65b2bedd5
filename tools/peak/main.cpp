// attnforge-peak: this machine's fp32 FMA peak in GFLOP/s, the yardstick the
// benchmarks divide by ("% of FMA peak"). Every thread runs the same fixed
// number of FMA rounds; a repeat's time is from the first thread's start to the
// last thread's end, so a slow core shows up instead of being averaged away.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "fma_kernels.hpp"

namespace {

using attnforge::peak::FmaKernel;

struct Options {
  std::string isa = "auto";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // 80M rounds of 16 AVX-512 FMAs is 640M cycles on two FMA pipes: about
  // 0.25 s at 2.5 GHz, long enough that thread start-up and timer resolution
  // are noise, short enough to run before every benchmark.
  int64_t iterations = 80'000'000;
  int repeats = 5;
  bool json = false;
};

struct Repeat {
  double seconds = 0;
  // The smallest fraction of the wall time any thread spent on a CPU.
  double cpu_share = 0;
};

// Below this share something else ran on our cores (a build, another
// benchmark) and the figure understates the peak: say so.
constexpr double busy_cpu_share = 0.95;

struct Measurement {
  double best_gflops = 0;
  double median_gflops = 0;
  Repeat best;
};

// Written, never read: a volatile store is observable, so the kernels' results
// (and with them every FMA) must really be computed.
volatile float result_sink;

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

Repeat run_once(const FmaKernel &kernel, const Options &options) {
  std::vector<float> results(options.threads);
  std::vector<double> cpu_seconds(options.threads);
  std::vector<std::thread> workers;
  workers.reserve(options.threads);
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < options.threads; ++t)
    workers.emplace_back([&, t] {
      const double cpu_start = thread_cpu_seconds();
      results[t] = kernel.run(options.iterations, 1e-3f * static_cast<float>(t));
      cpu_seconds[t] = thread_cpu_seconds() - cpu_start;
    });
  for (std::thread &worker : workers) worker.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  float total = 0;
  for (float value : results) total += value;
  result_sink = total;
  return {wall, *std::min_element(cpu_seconds.begin(), cpu_seconds.end()) / wall};
}

Measurement measure(const FmaKernel &kernel, const Options &options) {
  const double flops = static_cast<double>(kernel.flops_per_iteration) *
                       static_cast<double>(options.iterations) * options.threads;
  std::vector<Repeat> repeats;
  for (int r = 0; r < options.repeats; ++r) repeats.push_back(run_once(kernel, options));
  std::sort(repeats.begin(), repeats.end(),
            [](const Repeat &a, const Repeat &b) { return a.seconds < b.seconds; });
  const size_t middle = repeats.size() / 2;
  const double median_seconds = repeats.size() % 2 == 1
                                    ? repeats[middle].seconds
                                    : (repeats[middle - 1].seconds + repeats[middle].seconds) / 2;
  return {flops / repeats.front().seconds * 1e-9, flops / median_seconds * 1e-9, repeats.front()};
}

void print_human(const FmaKernel &kernel, const Options &options, const Measurement &result) {
  fmt::print("fp32 FMA peak, {} ({}), {} thread{}\n", kernel.isa, kernel.cpu_features,
             options.threads, options.threads == 1 ? "" : "s");
  fmt::print("  best    {:8.1f} GFLOP/s  ({:.1f} per thread)\n", result.best_gflops,
             result.best_gflops / options.threads);
  fmt::print("  median  {:8.1f} GFLOP/s\n", result.median_gflops);
  fmt::print("  {} repeats; each thread: {} rounds x {} FLOPs, best {:.3f} s\n", options.repeats,
             options.iterations, kernel.flops_per_iteration, result.best.seconds);
  if (result.best.cpu_share < busy_cpu_share)
    fmt::print("  warning: a thread had only {:.0f}% of a CPU: other work shares these cores, "
               "the peak is understated\n",
               100 * result.best.cpu_share);
}

void print_json(const FmaKernel &kernel, const Options &options, const Measurement &result) {
  fmt::print(
      "{{\"isa\":\"{}\",\"threads\":{},\"gflops\":{:.2f},\"per_core_gflops\":{:.2f},"
      "\"median_gflops\":{:.2f},\"repeats\":{},\"iterations\":{},\"best_seconds\":{:.4f},"
      "\"cpu_share\":{:.3f}}}\n",
      kernel.isa, options.threads, result.best_gflops, result.best_gflops / options.threads,
      result.median_gflops, options.repeats, options.iterations, result.best.seconds,
      result.best.cpu_share);
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Measures this machine's fp32 FMA peak (GFLOP/s, 2 FLOPs per FMA per lane).",
               "attnforge-peak"};
  Options options;
  std::vector<std::string> isa_names{"auto"};
  for (const FmaKernel &kernel : attnforge::peak::fma_kernels())
    isa_names.emplace_back(kernel.isa);
  app.add_option("--isa", options.isa, "Instruction set; auto takes the widest this CPU runs")
      ->check(CLI::IsMember(isa_names))
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Threads, one per hardware thread by default")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--iterations", options.iterations, "FMA rounds per thread and repeat")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--repeats", options.repeats, "Timed repeats; best and median are reported")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--json", options.json, "One JSON object on stdout, for scripts");
  CLI11_PARSE(app, argc, argv);

  const auto kernel = attnforge::peak::choose_fma_kernel(options.isa);
  if (!kernel) {
    fmt::print(stderr, "attnforge-peak: error: this CPU cannot run the '{}' kernel{}\n",
               options.isa, options.isa == "auto" ? "s (needs avx2+fma or avx512f)" : "");
    return 2;
  }
  const Measurement result = measure(*kernel, options);
  if (options.json)
    print_json(*kernel, options, result);
  else
    print_human(*kernel, options, result);
  return 0;
}
