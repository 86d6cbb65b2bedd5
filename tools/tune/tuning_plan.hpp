// A tuning run's plan, in its own directory:
//   <dir>/plan.json               what is tuned and every candidate's values
//   <dir>/<candidate>/<kernel>.json  the candidate's tuned file, for the build
//   <dir>/<candidate>/plugins/       its plugin (attnforge-tune build)
//   <dir>/results.json            what measure found (measurements.hpp)
// cmake/AttnforgeTuning.cmake reads plan.json's kernel, target, head_dim,
// build_value and candidates' names.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "candidates.hpp"

namespace attnforge::tune {

struct TuningPlan {
  std::string kernel;
  std::string target;       // an attnforge target name: x86-64-avx512, ...
  int head_dim = 0;         // 0: the any-size variant
  std::string build_value;  // for a kernel built per value of a param (sparse's block_size); "" for the first
  std::filesystem::path tuned_file;  // where the baseline came from and the winner goes
  std::string strategy;     // how the candidates were chosen: "neighbours", "random"
  std::vector<Candidate> candidates;  // the baseline first

  const Candidate &candidate(const std::string &name) const;  // throws NotFound
};

Json to_json(const TuningPlan &plan);
TuningPlan plan_from_json(const Json &json, const std::string &source);

// Writes plan.json and each candidate's tuned file (`tuned` with "params"
// set to the candidate's values and no head-size sections, so the build takes
// exactly those). Throws InvalidArgument, writing nothing, when `dir` already
// holds a plan or the plan has no candidate besides the baseline.
void write_plan(const std::filesystem::path &dir, const TuningPlan &plan, const Json &tuned);

// Throws NotFound when `dir` holds no plan.
TuningPlan read_plan(const std::filesystem::path &dir);

// "any" -> 0, "64" -> 64; throws InvalidArgument naming `what` otherwise.
int parse_head_dim(const std::string &text, const std::string &what);

// "any" for 0, else the number: as plan.json and the build's HEAD_DIMS say it.
std::string head_dim_text(int head_dim);

std::filesystem::path plan_file(const std::filesystem::path &dir);
std::filesystem::path candidate_plugin_dir(const std::filesystem::path &dir, const Candidate &candidate);
// Whether the candidate's plugin exists (attnforge-tune build made it).
bool is_built(const std::filesystem::path &dir, const Candidate &candidate);

} // namespace attnforge::tune
