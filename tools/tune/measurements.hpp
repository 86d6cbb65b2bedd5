// What attnforge-tune measure found, kept in <dir>/results.json after every
// measurement so that an interrupted run resumes where it stopped, and the
// ranking apply decides by. Each round times every candidate right beside
// the baseline (one after the other, alternating which goes first), and
// compares the two: on a shared host the load changes from one second to the
// next, and only times taken together are comparable.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tuning_plan.hpp"

namespace attnforge::tune {

struct CandidateResult {
  std::string variant;         // the id its plugin ran
  std::optional<double> error; // ‖out − ref‖ / ‖ref‖ of its one checked call
  std::string failure;         // why it was dropped (unbuilt, over budget, ...); "" if not
  std::vector<double> round_ms;     // each round's median call time
  std::vector<double> baseline_ms;  // the baseline's, timed beside it in the same round
};

struct Measurements {
  std::string problem;  // Problem::describe() of the problem measured, with its params
  std::string machine;  // the CPU and its threads
  int repeats = 0;      // timed calls per round
  std::map<std::string, CandidateResult> candidates;  // by candidate name
};

Json to_json(const Measurements &measurements);
Measurements measurements_from_json(const Json &json, const std::string &source);

std::filesystem::path results_file(const std::filesystem::path &dir);
// nullopt when `dir` holds no results yet.
std::optional<Measurements> read_measurements(const std::filesystem::path &dir);
void write_measurements(const std::filesystem::path &dir, const Measurements &measurements);

struct Standing {
  std::string name;
  double median_ms = 0;  // over its rounds
  double ratio = 0;      // median over rounds of its time / the baseline's beside it
  size_t rounds = 0;
  size_t faster_rounds = 0;  // rounds it beat the baseline in
  // How likely that many faster rounds are if it is no faster than the
  // baseline (a one-sided sign test): small means a real difference.
  double chance = 1;
};

// Every candidate with no failure and at least one round, fastest (lowest
// ratio) first; the baseline, with ratio 1, over all its times. Throws
// InvalidArgument when the baseline (the plan's first candidate) failed or
// was never timed.
std::vector<Standing> rank_candidates(const TuningPlan &plan, const Measurements &measurements);

// P(X >= successes) for X ~ Binomial(trials, 1/2).
double sign_test_chance(size_t successes, size_t trials);

} // namespace attnforge::tune
