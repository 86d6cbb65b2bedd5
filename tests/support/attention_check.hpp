// What every attention family's suite checks the same way. A family brings its
// own inputs, params and reference output; these run them on the dispatched
// kernel and on every usable variant pinned, each output poisoned first,
// compared with the reference and checked for writes outside its view.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "attnforge/reference/reference.hpp"

namespace attnforge::testing {

// The registry every test of a binary shares (plugins from
// $ATTNFORGE_PLUGIN_PATH). Loading once keeps the suites fast.
const Registry &shared_registry();

// The usable f32 variants of `kernel` whose head sizes fit `shape` and that
// were built for every value `params` gives a fixed parameter (one whose range
// is a single value, like sparse's block_size).
std::vector<const VariantInfo *> usable_variants(const std::string &kernel, const reference::AttentionShape &shape,
                                                 const std::map<std::string, double> &params = {});

// What a call passes beyond the inputs' own tensors: the family's params, and
// views of tensors the inputs do not own (sparse's block layouts).
struct ExtraArguments {
  std::map<std::string, double> params{};
  std::map<std::string, TensorView> tensors{};
};

// The reference output and how far from it, relatively, a run may be.
struct Expected {
  reference::DoubleTensor output;
  double budget = reference::error_budget(DType::F32);
};

// Sees each run's inputs and output, and the variant that ran, for extra checks.
using Inspect = std::function<void(const reference::AttentionInputs &, const std::string &variant)>;

// One run of `kernel` on `inputs`: the output is poisoned first, must be
// within budget of the reference, and nothing outside the output view may be
// written. An attnforge::Error fails the test. `label` names the run in traces.
void run_and_compare(const Kernel &kernel, const std::string &label, reference::AttentionInputs &inputs,
                     const ExtraArguments &extra, const Expected &expected, const Inspect &inspect = {});

// run_and_compare on the dispatched `kernel_name`, then on every usable
// variant that fits the inputs' shape and extra.params, pinned; at least one
// must fit.
void check_dispatched_and_every_variant(const std::string &kernel_name, reference::AttentionInputs &inputs,
                                        const ExtraArguments &extra, const Expected &expected,
                                        const Inspect &inspect = {});

// Expects every element of out[b, h, i, :] to be exactly 0.
void expect_zero_row(const reference::AttentionInputs &inputs, int64_t b, int64_t h, int64_t i);

} // namespace attnforge::testing
