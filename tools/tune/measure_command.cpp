// attnforge-tune measure DIR [problem options]: opens each built candidate's
// plugin folder as the search path of a registry of its own, pins the
// plan's variant there by id, checks it once against the
// double-precision reference, then times every candidate in interleaved
// rounds on the same inputs, so that a slow moment of the host weighs on
// all of them alike. results.json is rewritten after every measurement; a
// second run with the same problem resumes at the first missing round.
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "attnforge/attnforge.hpp"
#include "attnforge/reference/error_metric.hpp"
#include "commands.hpp"
#include "counted.hpp"
#include "kernel_call.hpp"
#include "measurements.hpp"
#include "problem_options.hpp"
#include "standings_table.hpp"

namespace attnforge::tune {
namespace {

struct MeasureOptions {
  std::string dir;
  cli::ProblemOptions problem;
  // 10: with 16 candidates, apply's sign test takes a winner only when it was
  // faster in every round (0.05 / 16 needs 10 of 10; 9 of 10 is 0.011).
  int rounds = 10;
};

// A candidate whose plugin loaded: its registry (which must outlive the
// kernel handle) and the one variant it tunes, pinned.
struct LoadedCandidate {
  const Candidate *candidate;
  std::unique_ptr<Registry> registry;
  Kernel kernel;
  const VariantInfo *variant;
};

std::string describe_machine() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string model = "unknown CPU";
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return fmt::format("{}, {}", model, tools::counted(std::thread::hardware_concurrency(), "thread"));
}

// The plan's variant among a candidate's plugins: its kernel, target and
// head size. Throws NotFound when there is none, InvalidArgument when
// several match.
const VariantInfo &tuned_variant(const Registry &registry, const TuningPlan &plan) {
  std::vector<const VariantInfo *> matches;
  std::vector<std::string> found;
  for (const VariantInfo &variant : registry.variants()) {
    found.push_back(variant.id);
    if (variant.kernel == plan.kernel && variant.target == plan.target && variant.head_dim == plan.head_dim) {
      matches.push_back(&variant);
    }
  }
  if (matches.size() == 1) return *matches.front();
  const std::string wanted =
      fmt::format("{} variant for {}, head size {}", plan.kernel, plan.target, head_dim_text(plan.head_dim));
  if (matches.empty()) {
    throw Error(ErrorCategory::NotFound, fmt::format("no {} among its plugins' variants ({})", wanted,
                                                     found.empty() ? "none" : fmt::format("{}", fmt::join(found, ", "))));
  }
  throw Error(ErrorCategory::InvalidArgument, fmt::format("several {} ({})", wanted, fmt::join(found, ", ")));
}

std::optional<LoadedCandidate> load_candidate(const std::filesystem::path &dir, const TuningPlan &plan,
                                              const Candidate &candidate, CandidateResult &result) {
  if (!is_built(dir, candidate)) {
    result.failure = "not built (run attnforge-tune build)";
    return std::nullopt;
  }
  try {
    auto registry = std::make_unique<Registry>(RegistryOptions{{candidate_plugin_dir(dir, candidate).string()}, {}});
    const VariantInfo &variant = tuned_variant(*registry, plan);
    Kernel kernel = registry->variant(variant.id);
    result.variant = variant.id;
    result.failure.clear();
    return LoadedCandidate{&candidate, std::move(registry), std::move(kernel), &variant};
  } catch (const Error &error) {
    result.failure = error.what();
    return std::nullopt;
  }
}

// results.json's earlier rounds, when they were taken on this problem;
// throws InvalidArgument, writing nothing, when they were not.
Measurements resume_or_start(const std::filesystem::path &dir, Measurements fresh) {
  std::optional<Measurements> earlier = read_measurements(dir);
  if (!earlier) return fresh;
  if (earlier->problem != fresh.problem || earlier->repeats != fresh.repeats) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("{} was measured on {} with {} a round; this run asks for {} with {}: pass the same "
                            "problem options and --repeats, or plan into another --dir",
                            results_file(dir).string(), earlier->problem, tools::counted(earlier->repeats, "call"),
                            fresh.problem, tools::counted(fresh.repeats, "call")));
  }
  fresh.candidates = std::move(earlier->candidates);
  return fresh;
}

// Every candidate whose plugin loads, the baseline first, and in `results`
// each candidate's variant or why it did not load; throws NotFound when the
// baseline's does not.
std::vector<LoadedCandidate> load_candidates(const std::filesystem::path &dir, const TuningPlan &plan,
                                             std::map<std::string, CandidateResult> &results) {
  std::vector<LoadedCandidate> loaded;
  for (const Candidate &candidate : plan.candidates) {
    if (auto candidate_loaded = load_candidate(dir, plan, candidate, results[candidate.name])) {
      loaded.push_back(std::move(*candidate_loaded));
    }
  }
  const Candidate &baseline = plan.candidates.front();
  if (loaded.empty() || loaded.front().candidate != &baseline) {
    throw Error(ErrorCategory::NotFound,
                fmt::format("the baseline {} cannot be measured: {}", baseline.name, results[baseline.name].failure));
  }
  return loaded;
}

// The problem the options state, held to what the plan's variant takes: its
// head size when it has one, and the value of each parameter it fixes (the
// block size a sparse variant is built for). Throws InvalidArgument naming
// the plan when an option asks for something else.
cli::Problem plan_problem(cli::ProblemOptions options, const TuningPlan &plan, const VariantInfo &variant,
                          const cli::KernelProfile &profile) {
  if (plan.head_dim != 0 && options.head_dim != 0 && options.head_dim != plan.head_dim) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("--head-dim {}: the plan tunes head size {}",
                                                            options.head_dim, plan.head_dim));
  }
  if (options.head_dim == 0) options.head_dim = plan.head_dim;
  cli::Problem problem = cli::make_problem(options, profile);
  for (const ParamInfo &param : variant.params) {
    if (param.min_value != param.max_value) continue;
    const auto given = problem.params.find(param.name);
    if (given != problem.params.end() && given->second != param.min_value) {
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("--param {}={}: the plan's variant {} is built for {} only", param.name, given->second,
                              variant.id, param.min_value));
    }
    problem.params[param.name] = param.min_value;
  }
  return problem;
}

// The candidates within the error budget, the baseline first, each run once
// (unless an earlier run did) against one reference result; throws Runtime
// when the baseline is not among them.
std::vector<LoadedCandidate *> check_candidates(std::vector<LoadedCandidate> &loaded, cli::KernelCall &call,
                                                const cli::KernelProfile &profile, const cli::Problem &problem,
                                                Measurements &measurements) {
  std::optional<reference::DoubleTensor> expected;
  const double budget = reference::error_budget(call.variant->dtype);
  std::vector<LoadedCandidate *> checked;
  for (LoadedCandidate &candidate : loaded) {
    CandidateResult &result = measurements.candidates[candidate.candidate->name];
    if (!result.error) {
      if (!expected) expected = cli::reference_result(profile, problem, call.inputs);
      call.kernel = candidate.kernel;
      call.variant = candidate.variant;
      result.error = cli::output_error(call, *expected);
    }
    if (!(*result.error <= budget)) {
      result.failure = fmt::format("over the error budget: {:.3g} > {:.0e}", *result.error, budget);
      continue;
    }
    checked.push_back(&candidate);
  }
  if (checked.empty() || checked.front() != &loaded.front()) {
    const std::string &baseline = loaded.front().candidate->name;
    throw Error(ErrorCategory::Runtime,
                fmt::format("the baseline {} failed its check: {}", baseline, measurements.candidates[baseline].failure));
  }
  return checked;
}

// Every other candidate timed beside the baseline, round after round,
// resuming after the rounds `measurements` holds; results.json rewritten
// after each.
void time_in_rounds(const std::filesystem::path &dir, const std::vector<LoadedCandidate *> &checked,
                    cli::KernelCall &call, const MeasureOptions &options, Measurements &measurements) {
  const LoadedCandidate &baseline = *checked.front();
  const std::vector<LoadedCandidate *> others(checked.begin() + 1, checked.end());
  const auto time_one = [&](const LoadedCandidate &candidate) {
    call.kernel = candidate.kernel;
    call.variant = candidate.variant;
    return cli::time_calls(call, options.problem.warmup, options.problem.repeats).median_ms;
  };
  size_t measurement = 0;
  const size_t total = others.size() * static_cast<size_t>(options.rounds);
  for (int round = 0; round < options.rounds; ++round) {
    for (LoadedCandidate *candidate : others) {
      ++measurement;
      CandidateResult &result = measurements.candidates[candidate->candidate->name];
      if (static_cast<int>(result.round_ms.size()) > round) continue;  // measured by an earlier run
      // Alternate which goes first, so that neither gains from the other's
      // warm caches or loses to a slowing host more often.
      double candidate_ms = 0, baseline_ms = 0;
      if (round % 2 == 0) {
        baseline_ms = time_one(baseline);
        candidate_ms = time_one(*candidate);
      } else {
        candidate_ms = time_one(*candidate);
        baseline_ms = time_one(baseline);
      }
      result.round_ms.push_back(candidate_ms);
      result.baseline_ms.push_back(baseline_ms);
      write_measurements(dir, measurements);
      fmt::print("[{}/{}] round {} {}  {:.3f} ms, {} {:.3f} ms beside it: {:.3f}  {}\n", measurement, total, round + 1,
                 candidate->candidate->name, candidate_ms, baseline.candidate->name, baseline_ms,
                 candidate_ms / baseline_ms, describe_changes(*candidate->candidate));
      std::fflush(stdout);
    }
  }
}

int measure_candidates(MeasureOptions options) {
  const std::filesystem::path dir = options.dir;
  const TuningPlan plan = read_plan(dir);
  options.problem.kernel = plan.kernel;
  std::map<std::string, CandidateResult> loading;
  std::vector<LoadedCandidate> loaded = load_candidates(dir, plan, loading);
  const cli::KernelProfile profile = cli::profile_for(plan.kernel);
  const cli::Problem problem = plan_problem(options.problem, plan, *loaded.front().variant, profile);
  Measurements measurements =
      resume_or_start(dir, Measurements{problem.describe(), describe_machine(), options.problem.repeats, {}});
  for (const auto &[name, result] : loading) {
    measurements.candidates[name].variant = result.variant;
    measurements.candidates[name].failure = result.failure;
  }

  // One set of inputs for every candidate: the baseline's call, whose kernel
  // and variant each measurement swaps in.
  reference::Random random = cli::random_for(options.problem);
  cli::KernelCall call = cli::prepare_call(*loaded.front().registry, profile, problem, loaded.front().variant->id, random);
  fmt::print("measuring {} of {} on {}, each beside the baseline\n          {} rounds of {} each, after {}; "
             "inputs seed {}\n",
             tools::counted(loaded.size(), "candidate"), plan.kernel, problem.describe(), options.rounds,
             tools::counted(options.problem.repeats, "call"), tools::counted(options.problem.warmup, "warm-up call"),
             random.seed());

  const std::vector<LoadedCandidate *> checked = check_candidates(loaded, call, profile, problem, measurements);
  write_measurements(dir, measurements);
  if (checked.size() == 1) {
    print_left_out(plan, measurements);
    fmt::print("no candidate besides the baseline {} can be measured\n", plan.candidates.front().name);
    return 1;
  }
  time_in_rounds(dir, checked, call, options, measurements);
  print_standings(plan, measurements);
  fmt::print("next      attnforge-tune apply {}\n", options.dir);
  return checked.size() == plan.candidates.size() ? 0 : 1;
}

} // namespace

void add_measure_command(CLI::App &app, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand(
      "measure", "Check and time every built candidate on one problem, in interleaved rounds (resumable)");
  auto options = std::make_shared<MeasureOptions>();
  command->add_option("dir", options->dir, "The plan's directory")->required();
  cli::add_problem_options(*command, options->problem, /*kernel_positional=*/false);
  command->remove_option(command->get_option("--variant"));  // each candidate runs the plan's variant
  command->add_option("--rounds", options->rounds, "Rounds over all candidates")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  command->callback([&chosen, options] { chosen = [options] { return measure_candidates(*options); }; });
}

} // namespace attnforge::tune
