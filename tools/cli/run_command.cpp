// attnforge run <kernel>: one problem on random inputs, timed.
#include <fmt/format.h>

#include "command.hpp"
#include "kernel_call.hpp"
#include "problem_options.hpp"

namespace attnforge::cli {
namespace {

int run_kernel(const GlobalOptions &global, const ProblemOptions &options) {
  const auto registry = open_registry(global);
  const KernelProfile profile = profile_for(options.kernel);
  const Problem problem = make_problem(options, profile);
  reference::Random random = random_for(options);
  const KernelCall call = prepare_call(*registry, profile, problem, options.variant, random);
  const Timing timing = time_calls(call, options.warmup, options.repeats);
  print_call_summary(call, problem);
  fmt::print("time      {:.3f} ms median of {} (min {:.3f} ms)\n", timing.median_ms,
             timing.samples_ms.size(), timing.min_ms);
  const auto rate = gflops(profile, problem, timing.median_ms);
  fmt::print("rate      {}\n", rate ? fmt::format("{:.1f} GFLOP/s", *rate) : "n/a (FLOP count unknown)");
  return 0;
}

} // namespace

void add_run_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("run", "Run a kernel on random inputs and time it");
  auto options = std::make_shared<ProblemOptions>();
  add_problem_options(*command, *options);
  command->callback([&global, &chosen, options] {
    chosen = [&global, options] { return run_kernel(global, *options); };
  });
}

} // namespace attnforge::cli
