// The options run, verify and bench share: the problem's shape, masks,
// layout and parameters, which variant to pin, how often to repeat.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attnforge/reference/random.hpp"
#include "kernel_profiles.hpp"

namespace attnforge::cli {

struct ProblemOptions {
  std::string kernel;
  // 0: the kernel's default problem (kv-heads, kv-seq and value-dim follow
  // heads, seq and head-dim when those are given).
  int64_t batch = 0, heads = 0, kv_heads = 0, seq = 0, kv_seq = 0, head_dim = 0, value_dim = 0;
  bool causal = false;
  double scale = 0;
  bool scale_given = false;
  std::vector<int64_t> kv_len;
  std::optional<double> key_mask_keep;  // a random key_mask keeping each key with this probability
  std::map<std::string, std::string> family_options;  // flag -> text, per ParamOption
  std::string layout = "bhnd";
  std::vector<std::string> params;  // NAME=VALUE
  std::string variant;
  int repeats = 10;
  int warmup = 1;
  int64_t seed = -1;  // -1: fresh
};

// Adds the kernel positional and every problem option to `command`; without
// the positional when `kernel_positional` is false (attnforge-tune measure
// takes the kernel from its plan).
void add_problem_options(CLI::App &command, ProblemOptions &options, bool kernel_positional = true);

// The problem the options describe, on top of the profile's default problem.
// Throws attnforge::Error (InvalidArgument) for values that contradict each
// other (kv-len count, malformed --param).
Problem make_problem(const ProblemOptions &options, const KernelProfile &profile);

// Random inputs from --seed, else fresh (ATTNFORGE_TEST_SEED, then the OS).
reference::Random random_for(const ProblemOptions &options);

} // namespace attnforge::cli
