// attnforge demo: the main job. Loads every kernel by name through the
// registry, runs each of its demo problems on this machine's best variant,
// verifies and times it, and prints one table. Exit 1 if any check fails.
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "attnforge/reference/error_metric.hpp"
#include "command.hpp"
#include "kernel_call.hpp"
#include "text_table.hpp"

namespace attnforge::cli {
namespace {

struct DemoOptions {
  int repeats = 5;
  int64_t seed = -1;
};

struct Outcome {
  bool passed = false;
  std::vector<std::string> row;
};

Outcome run_case(const Registry &registry, const KernelProfile &profile, const DemoCase &demo,
                 const DemoOptions &options) {
  const Problem &problem = demo.problem;
  const std::string shape = problem.shape.to_string();
  try {
    reference::Random random = options.seed >= 0 ? reference::Random(options.seed) : reference::Random();
    KernelCall call = prepare_call(registry, profile, problem, "", random);
    const double error = verification_error(call, profile, problem);
    const bool passed = error <= reference::error_budget(call.variant->dtype);
    const Timing timing = time_calls(call, 1, options.repeats);
    const auto rate = gflops(profile, problem, timing.median_ms);
    return {passed,
            {profile.name, demo.label, call.variant->id, shape, fmt::format("{:.3f}", timing.median_ms),
             rate ? fmt::format("{:.1f}", *rate) : "n/a", fmt::format("{:.2e}", error),
             passed ? "PASS" : fmt::format("FAIL ({})", random.replay_hint())}};
  } catch (const Error &error) {
    return {false,
            {profile.name, demo.label, "-", shape, "-", "-", "-",
             fmt::format("FAIL: {} ({})", error.what(), to_string(error.category()))}};
  }
}

[[noreturn]] void throw_nothing_to_run(const Registry &registry) {
  throw Error(ErrorCategory::NotFound,
              fmt::format("demo: no kernel to run; plugins searched in '{}'{}; set "
                          "ATTNFORGE_PLUGIN_PATH or --plugin-path",
                          fmt::join(registry.search_path(), ":"),
                          registry.problems().empty() ? "" : " (see 'attnforge list' for plugin problems)"));
}

int run_demo(const GlobalOptions &global, const DemoOptions &options) {
  const auto registry = open_registry(global);
  std::set<std::string> installed;
  for (const VariantInfo &variant : registry->variants()) installed.insert(variant.kernel);
  if (installed.empty()) throw_nothing_to_run(*registry);

  fmt::print("attnforge demo: each kernel loaded by name, run on its best variant for this "
             "machine, checked against the double-precision reference\n\n");
  std::fflush(stdout);
  TextTable table({"KERNEL", "CASE", "VARIANT", "SHAPE", "MS", "GFLOP/S", "ERROR", "RESULT"});
  std::vector<std::string> notes;
  int cases = 0, failures = 0;
  for (const KernelProfile &profile : kernel_profiles()) {
    if (!installed.count(profile.name)) {
      notes.push_back(fmt::format("{}: no plugin provides it, skipped", profile.name));
      continue;
    }
    for (const DemoCase &demo : profile.demo_cases) {
      Outcome outcome = run_case(*registry, profile, demo, options);
      ++cases;
      failures += outcome.passed ? 0 : 1;
      table.add_row(std::move(outcome.row));
    }
  }
  for (const std::string &kernel : installed) {
    if (profile_for(kernel).demo_cases.empty()) {
      notes.push_back(fmt::format("{}: no demo problem for it in the CLI, skipped", kernel));
    }
  }
  if (cases == 0) throw_nothing_to_run(*registry);
  table.print();
  for (const std::string &note : notes) fmt::print("note: {}\n", note);
  fmt::print("\n{} of {} checks passed (error budget {:.0e} for f32)\n", cases - failures, cases,
             reference::error_budget(DType::F32));
  return failures == 0 ? 0 : 1;
}

} // namespace

void add_demo_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand(
      "demo", "Run, verify and time every kernel on its default problem (the quick start's main job)");
  auto options = std::make_shared<DemoOptions>();
  command->add_option("--repeats", options->repeats, "Timed calls per problem")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->add_option("--seed", options->seed, "Seed of the random inputs (default: fresh)")
      ->check(CLI::NonNegativeNumber);
  command->callback([&global, &chosen, options] {
    chosen = [&global, options] { return run_demo(global, *options); };
  });
}

} // namespace attnforge::cli
