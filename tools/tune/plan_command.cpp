// attnforge-tune plan <kernel> --target T --head-dim D --dir DIR: chooses the
// candidates (the tuned file's values first) and writes the plan.
#include <filesystem>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "commands.hpp"
#include "counted.hpp"
#include "tuned_file.hpp"
#include "tuning_plan.hpp"

namespace attnforge::tune {
namespace {

struct PlanOptions {
  std::string kernel, target, head_dim, dir, strategy = "neighbours", space, tuned, build_value;
  size_t count = 16;
  uint64_t seed = 1;
};

// A tuned file that says whose it is must be this kernel's and target's.
void check_tuned_file_is_for(const Json &tuned, const PlanOptions &options, const std::string &source) {
  for (const auto &[field, expected] : {std::pair{"kernel", options.kernel}, std::pair{"target", options.target}}) {
    if (tuned.contains(field) && tuned[field] != expected) {
      throw Error(ErrorCategory::InvalidArgument, fmt::format("tuned file {}: its {} is {}, not '{}'", source, field,
                                                              tuned[field].dump(), expected));
    }
  }
}

int plan_tuning(const PlanOptions &options) {
  const std::filesystem::path source_dir = ATTNFORGE_SOURCE_DIR;
  const std::filesystem::path tuned_path = std::filesystem::absolute(
      options.tuned.empty() ? source_dir / "schedules/tuned" / options.target / (options.kernel + ".json")
                            : std::filesystem::path(options.tuned));
  const std::filesystem::path space_path =
      options.space.empty() ? source_dir / "schedules/search" / options.target / (options.kernel + ".json")
                            : std::filesystem::path(options.space);

  const int head_dim = parse_head_dim(options.head_dim, "--head-dim");
  const Json tuned = read_json_file(tuned_path, "tuned file");
  check_tuned_file_is_for(tuned, options, tuned_path.string());
  const Params baseline = tuned_params(tuned, head_dim, tuned_path.string());
  const SearchSpace space = read_search_space(space_path);
  check_space_fits(space, options.kernel, baseline, tuned_path.string());

  TuningPlan plan{options.kernel, options.target, head_dim, options.build_value, tuned_path, options.strategy, {}};
  plan.candidates = options.strategy == "random" ? random_candidates(baseline, space, options.count, options.seed)
                                                 : neighbour_candidates(baseline, space);
  write_plan(options.dir, plan, tuned);

  fmt::print("plan      {} on {}, head size {}: {} ({} search, {} of a {}-point grid)\n", options.kernel,
             options.target, options.head_dim, tools::counted(plan.candidates.size(), "candidate"), options.strategy,
             plan.candidates.size(), space.grid_size());
  for (const Candidate &candidate : plan.candidates) {
    fmt::print("  {}  {}\n", candidate.name, describe_changes(candidate));
  }
  fmt::print("written   {}\nnext      attnforge-tune build {}\n", plan_file(options.dir).string(), options.dir);
  return 0;
}

} // namespace

void add_plan_command(CLI::App &app, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("plan", "Choose the candidates to measure and write the plan");
  auto options = std::make_shared<PlanOptions>();
  command->add_option("kernel", options->kernel, "Kernel name: full, linear, sparse")->required();
  command->add_option("--target", options->target, "Target to tune: x86-64-avx512, x86-64-avx2, x86-64")->required();
  command->add_option("--head-dim", options->head_dim, "Head size of the variant to tune: 64, 128, ... or any")
      ->required();
  command->add_option("--dir", options->dir, "Directory for the plan, the candidates and the results")->required();
  command->add_option("--strategy", options->strategy,
                      "neighbours: each other value of one tunable at a time; random: --count points of the grid")
      ->capture_default_str()
      ->check(CLI::IsMember({"neighbours", "random"}));
  command->add_option("--count", options->count, "Candidates with --strategy random, the baseline included")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000));
  command->add_option("--seed", options->seed, "Seed of --strategy random")->capture_default_str();
  command->add_option("--space", options->space, "Search space (default: schedules/search/<target>/<kernel>.json)");
  command->add_option("--tuned", options->tuned,
                      "Tuned file to start from and write back to (default: schedules/tuned/<target>/<kernel>.json)");
  command->add_option("--build-value", options->build_value,
                      "For sparse: the block_size to build the candidates with (default: the plugin's first)");
  command->callback([&chosen, options] { chosen = [options] { return plan_tuning(*options); }; });
}

} // namespace attnforge::tune
