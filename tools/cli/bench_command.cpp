// attnforge bench <kernel>: like run, with more repeats after a warm-up.
// --json prints one JSON object and nothing else on stdout:
//   {"variant": id, "median_ms": x, "min_ms": x, "flops": x | null, "gflops": x | null,
//    "samples": [ms, ...]}
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "counted.hpp"
#include "kernel_call.hpp"
#include "problem_options.hpp"

namespace attnforge::cli {
namespace {

struct BenchOptions {
  ProblemOptions problem;
  bool json = false;
};

int bench_kernel(const GlobalOptions &global, const BenchOptions &options) {
  const auto registry = open_registry(global);
  const KernelProfile profile = profile_for(options.problem.kernel);
  const Problem problem = make_problem(options.problem, profile);
  reference::Random random = random_for(options.problem);
  const KernelCall call = prepare_call(*registry, profile, problem, options.problem.variant, random);
  const Timing timing = time_calls(call, options.problem.warmup, options.problem.repeats);
  const auto rate = gflops(profile, problem, timing.median_ms);
  if (options.json) {
    const auto number_or_null = [](std::optional<double> value) {
      return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
    };
    const nlohmann::ordered_json result = {
        {"variant", call.variant->id},
        {"median_ms", timing.median_ms},
        {"min_ms", timing.min_ms},
        {"flops", number_or_null(flop_count(profile, problem))},
        {"gflops", number_or_null(rate)},
        {"samples", timing.samples_ms},
    };
    fmt::print("{}\n", result.dump());
    return 0;
  }
  print_call_summary(call, problem);
  fmt::print("warm-up   {}\n", tools::counted(options.problem.warmup, "call"));
  fmt::print("median    {:.3f} ms over {}\n", timing.median_ms, tools::counted(timing.samples_ms.size(), "call"));
  fmt::print("min       {:.3f} ms\n", timing.min_ms);
  fmt::print("rate      {}\n", rate ? fmt::format("{:.1f} GFLOP/s (at the median)", *rate)
                                    : "n/a (FLOP count unknown)");
  return 0;
}

} // namespace

void add_bench_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("bench", "Time a kernel: warm-up, then many timed calls");
  auto options = std::make_shared<BenchOptions>();
  options->problem.repeats = 50;
  options->problem.warmup = 3;
  add_problem_options(*command, options->problem);
  command->add_flag("--json", options->json, "Print one JSON object (variant, median_ms, min_ms, flops, gflops, samples)");
  command->callback([&global, &chosen, options] {
    chosen = [&global, options] { return bench_kernel(global, *options); };
  });
}

} // namespace attnforge::cli
