#include "measurements.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "median.hpp"

namespace attnforge::tune {
Json to_json(const Measurements &measurements) {
  Json candidates = Json::object();
  for (const auto &[name, result] : measurements.candidates) {
    candidates[name] = {{"variant", result.variant},
                        {"error", result.error ? Json(*result.error) : Json(nullptr)},
                        {"failure", result.failure},
                        {"round_ms", result.round_ms},
                        {"baseline_ms", result.baseline_ms}};
  }
  return {{"problem", measurements.problem},
          {"machine", measurements.machine},
          {"repeats", measurements.repeats},
          {"candidates", candidates}};
}

Measurements measurements_from_json(const Json &json, const std::string &source) {
  try {
    Measurements measurements;
    measurements.problem = json.at("problem").get<std::string>();
    measurements.machine = json.at("machine").get<std::string>();
    measurements.repeats = json.at("repeats").get<int>();
    for (const auto &[name, entry] : json.at("candidates").items()) {
      CandidateResult result;
      result.variant = entry.at("variant").get<std::string>();
      if (!entry.at("error").is_null()) result.error = entry.at("error").get<double>();
      result.failure = entry.at("failure").get<std::string>();
      result.round_ms = entry.at("round_ms").get<std::vector<double>>();
      result.baseline_ms = entry.at("baseline_ms").get<std::vector<double>>();
      if (result.baseline_ms.size() != result.round_ms.size()) {
        throw Error(ErrorCategory::InvalidArgument,
                    fmt::format("results {}: candidate {} has {} but {} of the baseline's", source, name,
                                result.round_ms.size(), result.baseline_ms.size()));
      }
      measurements.candidates[name] = std::move(result);
    }
    return measurements;
  } catch (const Json::exception &error) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("results {}: {}", source, error.what()));
  }
}

std::filesystem::path results_file(const std::filesystem::path &dir) { return dir / "results.json"; }

std::optional<Measurements> read_measurements(const std::filesystem::path &dir) {
  if (!std::filesystem::exists(results_file(dir))) return std::nullopt;
  return measurements_from_json(read_json_file(results_file(dir), "results"), results_file(dir).string());
}

void write_measurements(const std::filesystem::path &dir, const Measurements &measurements) {
  write_json_file(results_file(dir), to_json(measurements));
}

double sign_test_chance(size_t successes, size_t trials) {
  // Σ_{k ≥ successes} C(trials, k) / 2^trials, built term by term.
  double term = std::pow(0.5, static_cast<double>(trials));  // C(trials, 0) / 2^trials
  double chance = 0;
  for (size_t k = 0; k <= trials; ++k) {
    if (k >= successes) chance += term;
    term = term * static_cast<double>(trials - k) / static_cast<double>(k + 1);
  }
  return std::min(chance, 1.0);
}

std::vector<Standing> rank_candidates(const TuningPlan &plan, const Measurements &measurements) {
  const std::string &baseline_name = plan.candidates.front().name;
  const auto baseline = measurements.candidates.find(baseline_name);
  if (baseline != measurements.candidates.end() && !baseline->second.failure.empty()) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("the baseline {} has no times to compare with ({})",
                                                            baseline_name, baseline->second.failure));
  }
  std::vector<Standing> standings;
  std::vector<double> all_baseline_ms;
  for (const Candidate &candidate : plan.candidates) {
    const auto found = measurements.candidates.find(candidate.name);
    if (candidate.name == baseline_name || found == measurements.candidates.end()) continue;
    const CandidateResult &result = found->second;
    if (!result.failure.empty() || result.round_ms.empty()) continue;
    std::vector<double> ratios;
    size_t faster = 0;
    for (size_t round = 0; round < result.round_ms.size(); ++round) {
      ratios.push_back(result.round_ms[round] / result.baseline_ms[round]);
      faster += ratios.back() < 1;
    }
    all_baseline_ms.insert(all_baseline_ms.end(), result.baseline_ms.begin(), result.baseline_ms.end());
    standings.push_back(Standing{candidate.name, tools::median(result.round_ms), tools::median(ratios), ratios.size(), faster,
                                 sign_test_chance(faster, ratios.size())});
  }
  if (all_baseline_ms.empty()) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("the baseline {} has no times to compare with: no candidate was timed beside it",
                            baseline_name));
  }
  standings.push_back(Standing{baseline_name, tools::median(all_baseline_ms), 1.0, all_baseline_ms.size(), 0, 1.0});
  std::stable_sort(standings.begin(), standings.end(),
                   [](const Standing &a, const Standing &b) { return a.ratio < b.ratio; });
  return standings;
}

} // namespace attnforge::tune
