// What the CLI knows about each kernel family, in one table: its default
// problem, the problems `demo` runs, how many floating-point operations a call
// does, and which reference checks it. A new family adds one row to
// kernel_profiles.cpp; every command picks it up.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "attnforge/reference/attention_inputs.hpp"
#include "attnforge/reference/double_tensor.hpp"

namespace attnforge::cli {

// One call's problem: shape, memory layout, extra tensors' contents and the
// parameters passed to the kernel by name.
struct Problem {
  reference::AttentionShape shape;
  reference::InputOptions inputs;
  std::map<std::string, double> params;

  double param(const std::string &name, double fallback) const;
  bool flag(const std::string &name) const { return param(name, 0) != 0; }
  std::string describe() const;  // "B=1 H=8 N=1024 D=64 causal bnhd"
};

struct DemoCase {
  std::string label;  // "causal"
  Problem problem;
};

// A command-line option of one family that sets one of its kernel parameters
// by name (--eps sets linear's `eps`). run, verify and bench offer every
// family's options; families that share a flag share the option.
struct ParamOption {
  std::string flag;                  // "--feature-map"
  std::string param;                 // "feature_map"
  std::string help;
  std::vector<std::string> choices;  // the names of values 0, 1, ...; empty: any number
};

struct KernelProfile {
  std::string name;  // the registry's kernel name
  Problem default_problem;
  std::vector<DemoCase> demo_cases;
  // Floating-point operations of one call; 0 when unknown.
  std::function<double(const Problem &)> flop_count;
  // The double-precision result the call must match; empty when none.
  std::function<reference::DoubleTensor(const Problem &, const reference::AttentionInputs &)>
      reference;
  // Adds the family's extra tensors (block layouts, masks, ...); may be empty.
  std::function<void(const Problem &, reference::AttentionInputs &)> add_tensors;
  // The family's own command-line options (its pattern, feature map, ...).
  std::vector<ParamOption> options;
};

const std::vector<KernelProfile> &kernel_profiles();

// The row for `kernel`, or a bare profile (default shape, no FLOP count, no
// reference) for a kernel the CLI does not know yet.
KernelProfile profile_for(const std::string &kernel);

} // namespace attnforge::cli
