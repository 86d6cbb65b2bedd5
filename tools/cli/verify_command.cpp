// attnforge verify <kernel>: one problem on random inputs, checked against
// the double-precision reference. Exit 1 when the error exceeds the budget.
#include <fmt/format.h>

#include "attnforge/reference/error_metric.hpp"
#include "command.hpp"
#include "kernel_call.hpp"
#include "problem_options.hpp"

namespace attnforge::cli {
namespace {

int verify_kernel(const GlobalOptions &global, const ProblemOptions &options) {
  const auto registry = open_registry(global);
  const KernelProfile profile = profile_for(options.kernel);
  const Problem problem = make_problem(options, profile);
  reference::Random random = random_for(options);
  KernelCall call = prepare_call(*registry, profile, problem, options.variant, random);
  const double error = verification_error(call, profile, problem);
  print_call_summary(call, problem);
  fmt::print("inputs    seed {} (replay with --seed {})\n", random.seed(), random.seed());
  const double budget = reference::error_budget(call.variant->dtype);
  const bool passed = error <= budget;
  fmt::print("error     {:.3g} (budget {:.0e}, ||out - ref|| / ||ref||)\n", error, budget);
  fmt::print("result    {}\n", passed ? "PASS" : "FAIL");
  return passed ? 0 : 1;
}

} // namespace

void add_verify_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command =
      app.add_subcommand("verify", "Run a kernel on random inputs and check it against the reference");
  auto options = std::make_shared<ProblemOptions>();
  options->repeats = 1;
  add_problem_options(*command, *options);
  command->callback([&global, &chosen, options] {
    chosen = [&global, options] { return verify_kernel(global, *options); };
  });
}

} // namespace attnforge::cli
