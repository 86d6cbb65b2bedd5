#include "standings_table.hpp"

#include <fmt/format.h>

#include "text_table.hpp"

namespace attnforge::tune {

// "faster in": the rounds a candidate beat the baseline in;
// "chance": how likely that many are if it is no faster (sign test).
void print_left_out(const TuningPlan &plan, const Measurements &measurements) {
  for (const Candidate &candidate : plan.candidates) {
    const auto found = measurements.candidates.find(candidate.name);
    if (found != measurements.candidates.end() && !found->second.failure.empty()) {
      fmt::print("left out  {}: {}\n", candidate.name, found->second.failure);
    }
  }
}

std::vector<Standing> print_standings(const TuningPlan &plan, const Measurements &measurements) {
  print_left_out(plan, measurements);
  std::vector<Standing> standings = rank_candidates(plan, measurements);
  cli::TextTable table({"candidate", "median ms", "vs baseline", "faster in", "chance", "changes"});
  const std::string &baseline = plan.candidates.front().name;
  for (const Standing &standing : standings) {
    const bool is_baseline = standing.name == baseline;
    table.add_row({standing.name, fmt::format("{:.3f}", standing.median_ms), fmt::format("{:.3f}", standing.ratio),
                   is_baseline ? "" : fmt::format("{}/{}", standing.faster_rounds, standing.rounds),
                   is_baseline ? "" : fmt::format("{:.3f}", standing.chance),
                   describe_changes(plan.candidate(standing.name))});
  }
  table.print();
  return standings;
}

} // namespace attnforge::tune
