// attnforge-tune apply DIR: writes the fastest candidate's values into the
// tuned file the plan started from, for the variant the plan tuned (its
// head-size section), with how they were found. Keeps the current values,
// writing nothing, unless a candidate beat them clearly: by --min-gain of
// their time, in so many rounds that chance alone would give as many at most
// --max-chance of the time, shared out among the candidates compared (with
// 16 of them, some one would reach a 5% chance by luck alone more often
// than not: Bonferroni's correction).
#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "commands.hpp"
#include "counted.hpp"
#include "measurements.hpp"
#include "standings_table.hpp"
#include "tuned_file.hpp"

namespace attnforge::tune {
namespace {

struct ApplyOptions {
  std::string dir;
  double min_gain = 0.02;
  double max_chance = 0.05;
  bool dry_run = false;
};

std::string today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

int apply_winner(const ApplyOptions &options) {
  const TuningPlan plan = read_plan(options.dir);
  const std::optional<Measurements> measurements = read_measurements(options.dir);
  if (!measurements) {
    throw Error(ErrorCategory::NotFound,
                fmt::format("{} holds no results: run attnforge-tune measure {} first", options.dir, options.dir));
  }
  const std::vector<Standing> standings = print_standings(plan, *measurements);
  const Candidate &baseline = plan.candidates.front();
  const auto is_baseline = [&](const Standing &standing) { return standing.name == baseline.name; };
  const double chance_each = options.max_chance / static_cast<double>(std::max<size_t>(standings.size() - 1, 1));
  const auto is_clear_winner = [&](const Standing &standing) {
    return !is_baseline(standing) && standing.ratio <= 1 - options.min_gain && standing.chance <= chance_each;
  };
  const auto best = std::find_if(standings.begin(), standings.end(), is_clear_winner);
  if (best == standings.end()) {
    const auto fastest = std::find_if_not(standings.begin(), standings.end(), is_baseline);
    fmt::print("kept      the current values: {}\n          a change must take at most {:.3f} of their time "
               "(--min-gain {}) with a chance of at most {:.4f} (--max-chance {} over {})\n",
               fastest == standings.end()
                   ? std::string("no other candidate was measured")
                   : fmt::format("the fastest other candidate, {}, took {:.3f} of their time, faster in {} of {} "
                                 "rounds (chance {:.3f})",
                                 fastest->name, fastest->ratio, fastest->faster_rounds, fastest->rounds,
                                 fastest->chance),
               1 - options.min_gain, options.min_gain, chance_each, options.max_chance,
               tools::counted(standings.size() - 1, "candidate"));
    return 0;
  }

  // The tuned file must still hold what the plan started from; else the
  // comparison says nothing about it.
  const std::string source = plan.tuned_file.string();
  const Json tuned = read_json_file(plan.tuned_file, "tuned file");
  const Candidate &winner = plan.candidate(best->name);
  const Params current = tuned_params(tuned, plan.head_dim, source);
  if (current == winner.params) {
    fmt::print("kept      {} already holds {}'s values ({})\n", source, winner.name, describe_changes(winner));
    return 0;
  }
  if (current != baseline.params) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("tuned file {} changed since the plan was made: plan and measure again", source));
  }
  const Standing &baseline_standing = *std::find_if(standings.begin(), standings.end(), is_baseline);
  const Json found = {
      {"machine", measurements->machine},
      {"date", today()},
      {"problem", fmt::format("{} {}, median of {} per round", plan.kernel, measurements->problem,
                              tools::counted(measurements->repeats, "call"))},
      {"result", fmt::format("attnforge-tune, {} ({} search): {} ({}) took {:.3f} of the current values' time "
                             "(median of the ratios to them timed beside it, over {}; faster in {}, chance {:.3f}), "
                             "{:.3f} against {:.3f} ms",
                             tools::counted(plan.candidates.size(), "candidate"), plan.strategy, winner.name,
                             describe_changes(winner), best->ratio, tools::counted(best->rounds, "round"),
                             best->faster_rounds, best->chance, best->median_ms, baseline_standing.median_ms)}};
  const Json updated = with_winner(tuned, plan.head_dim, winner.params, found);
  if (options.dry_run) {
    fmt::print("would write {}:\n{}\n", source, updated.dump(2));
    return 0;
  }
  write_json_file(plan.tuned_file, updated);
  fmt::print("written   {}: {} for {} on {}, head size {}\n          the build takes it at its next configure\n",
             source, describe_changes(winner), plan.kernel, plan.target, head_dim_text(plan.head_dim));
  return 0;
}

} // namespace

void add_apply_command(CLI::App &app, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("apply", "Write the fastest candidate's values into the tuned file");
  auto options = std::make_shared<ApplyOptions>();
  command->add_option("dir", options->dir, "The plan's directory")->required();
  command->add_option("--min-gain", options->min_gain,
                      "Fraction of the baseline's time a candidate must save to replace it")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.99));
  command->add_option("--max-chance", options->max_chance,
                      "Largest chance (sign test) of a winner's faster rounds if it were no faster, shared out among the candidates")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command->add_flag("--dry-run", options->dry_run, "Print the file that would be written, and write nothing");
  command->callback([&chosen, options] { chosen = [options] { return apply_winner(*options); }; });
}

} // namespace attnforge::tune
