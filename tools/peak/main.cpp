// attnforge-peak: this machine's limits, the yardsticks the benchmarks divide
// by: the fp32 FMA peak in GFLOP/s ("% of FMA peak", the default) and, with
// --memory, the memory bandwidth in GB/s (with it, "% of roofline").
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fma_kernels.hpp"
#include "fma_peak.hpp"
#include "memory_bandwidth.hpp"
#include "peak_options.hpp"

int main(int argc, char **argv) {
  using attnforge::peak::FmaKernel;
  CLI::App app{"Measures this machine's fp32 FMA peak (GFLOP/s, 2 FLOPs per FMA per lane), "
               "or with --memory its memory bandwidth (GB/s).",
               "attnforge-peak"};
  attnforge::peak::PeakOptions options;
  // The memory kernels exist for the same instruction sets.
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
  CLI::Option *memory = app.add_flag(
      "--memory", options.memory, "Measure the memory bandwidth (read and copy) instead of the FMA peak");
  app.add_option("--memory-mib", options.memory_mib,
                 "With --memory: MiB streamed per repeat by all threads together; keep it "
                 "several times the last-level cache")
      ->check(CLI::PositiveNumber)
      ->needs(memory)
      ->capture_default_str();
  app.add_flag("--json", options.json, "One JSON object on stdout, for scripts");
  CLI11_PARSE(app, argc, argv);

  return options.memory ? attnforge::peak::report_memory_bandwidth(options)
                        : attnforge::peak::report_fma_peak(options);
}
