#include "call_rules.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace attnforge::fuzz {
namespace {

// Every float of a tensor's storage, from its first element to the padding
// after its last row.
std::vector<float> stored_floats(const reference::HostTensor &tensor, int64_t row_padding) {
  const TensorView &view = tensor.view();
  int64_t last = 0;
  for (int dim = 0; dim < view.rank; ++dim) last += (view.shape[dim] - 1) * view.strides[dim];
  const float *first = static_cast<const float *>(view.data);
  return {first, first + last + 1 + row_padding};
}

// Output elements and padding that are no longer the poison NaN.
int64_t written_elements(const reference::HostTensor &out, int64_t row_padding) {
  int64_t written = 0;
  for (float value : stored_floats(out, row_padding)) written += std::isnan(value) ? 0 : 1;
  return written;
}

// The reference run on |v|: every kernel here weighs v with non-negative
// weights, so this is the size of the terms each output element sums, which
// bounds what f32 rounding can do to it. v is restored afterwards.
reference::DoubleTensor reference_on_absolute_values(FuzzedCall &call) {
  const std::vector<float> v_before = stored_floats(call.inputs.v, call.row_padding);
  float *v = static_cast<float *>(call.inputs.v.view().data);
  for (size_t n = 0; n < v_before.size(); ++n) v[n] = std::fabs(v_before[n]);
  reference::DoubleTensor magnitudes = call.reference(call.inputs);
  std::memcpy(v, v_before.data(), v_before.size() * sizeof(float));
  return magnitudes;
}

double l2_norm(const reference::DoubleTensor &tensor) {
  double sum = 0;
  for (double value : tensor.values) sum += value * value;
  return std::sqrt(sum);
}

} // namespace

std::string accuracy_violation(FuzzedCall &call) {
  constexpr double kCancellation = 100;
  const reference::DoubleTensor expected = call.reference(call.inputs);
  const double error = reference::relative_l2_error(call.inputs.out.view(), expected);
  const double budget = reference::error_budget(DType::F32);
  if (error <= budget) return "";
  // An all-zero reference (every key hidden) has no terms to cancel: its
  // output must be within the budget of zero, as relative_l2_error says.
  const double size = l2_norm(expected);
  if (size > 0) {
    const double terms_size = l2_norm(reference_on_absolute_values(call));
    if (terms_size >= kCancellation * size && error * size <= budget * terms_size) return "";
    return "relative error " + std::to_string(error) + " exceeds the f32 budget " + std::to_string(budget) +
           " (the output's terms are " + std::to_string(terms_size / size) + " times its size)";
  }
  return "relative error " + std::to_string(error) + " exceeds the f32 budget " + std::to_string(budget);
}

namespace {

void check_accepted(FuzzedCall &call, FuzzOutcome &outcome) {
  const reference::AttentionInputs &inputs = call.inputs;
  if (std::string violation = accuracy_violation(call); !violation.empty()) outcome.broken_rules.push_back(violation);
  if (const int64_t outside = inputs.out.written_outside_view(); outside != 0) {
    outcome.broken_rules.push_back(std::to_string(outside) + " elements written outside the output view");
  }
}

void check_rejected(const FuzzedCall &call, const Error &error, const std::vector<float> &q_before,
                    FuzzOutcome &outcome) {
  const ExpectedError &expected = call.expected;
  if (error.category() != expected.category) {
    outcome.broken_rules.push_back(std::string("threw ") + to_string(error.category()) + ", expected " +
                                   to_string(expected.category) + ": " + error.what());
  }
  if (std::string(error.what()).find(expected.mentions) == std::string::npos) {
    outcome.broken_rules.push_back("the message does not mention \"" + expected.mentions + "\": " + error.what());
  }
  if (const int64_t written = written_elements(call.inputs.out, call.row_padding); written != 0) {
    outcome.broken_rules.push_back("a rejected call wrote " + std::to_string(written) + " output elements");
  }
  const std::vector<float> q_after = stored_floats(call.inputs.q, call.row_padding);
  if (std::memcmp(q_before.data(), q_after.data(), q_before.size() * sizeof(float)) != 0) {
    outcome.broken_rules.push_back("a rejected call changed q's memory");
  }
}

} // namespace

void draw_inputs(FuzzedCall &call, const reference::AttentionShape &shape, const reference::InputOptions &options,
                 uint64_t seed, const std::map<std::string, double> &params) {
  call.row_padding = options.row_padding;
  reference::Random random(seed);
  call.inputs = reference::make_attention_inputs(shape, random, options);
  call.arguments = call.inputs.arguments(params);
}

std::vector<const VariantInfo *> usable_variants_of(const Registry &registry, const std::string &kernel) {
  std::vector<const VariantInfo *> variants;
  for (const VariantInfo &variant : registry.variants()) {
    if (variant.kernel == kernel && variant.usable) variants.push_back(&variant);
  }
  return variants;
}

FuzzOutcome run_fuzzed_call(const Registry &registry, FuzzedCall &call) {
  FuzzOutcome outcome;
  outcome.call = call.description;
  outcome.breakage = call.breakage;
  // Only a broken call is checked for writes into q (out may alias it).
  const std::vector<float> q_before = call.breakage != 0 ? stored_floats(call.inputs.q, call.row_padding)
                                                         : std::vector<float>{};
  const Kernel kernel = call.pinned_variant.empty() ? registry.kernel(call.kernel) : registry.variant(call.pinned_variant);
  try {
    kernel(call.arguments);
    outcome.accepted = true;
  } catch (const Error &error) {
    if (call.breakage == 0) {
      outcome.broken_rules.push_back(std::string("a valid call was rejected: ") + error.what());
    } else {
      check_rejected(call, error, q_before, outcome);
    }
    return outcome;
  } catch (const std::exception &other) {
    outcome.broken_rules.push_back(std::string("threw something other than attnforge::Error: ") + other.what());
    return outcome;
  }
  if (call.breakage != 0) {
    outcome.broken_rules.push_back("a broken call ran instead of being rejected");
  } else {
    check_accepted(call, outcome);
  }
  return outcome;
}

int fuzzer_verdict(const FuzzOutcome &outcome) {
  if (outcome.broken_rules.empty()) return 0;
  std::fprintf(stderr, "%s\n", outcome.call.c_str());
  for (const std::string &rule : outcome.broken_rules) std::fprintf(stderr, "  broken: %s\n", rule.c_str());
  std::abort();
}

std::string decode_pinned_variant(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants,
                                  const reference::AttentionShape &shape,
                                  const std::function<bool(const VariantInfo &)> &also_fits) {
  std::vector<const VariantInfo *> fitting;
  for (const VariantInfo *variant : variants) {
    const bool head_fits = variant->head_dim == 0 || variant->head_dim == shape.head_dim;
    const bool value_fits = variant->value_dim == 0 || variant->value_dim == shape.value_dim;
    if (head_fits && value_fits && (!also_fits || also_fits(*variant))) fitting.push_back(variant);
  }
  if (fitting.empty() || !bytes.chance(2)) return "";
  return fitting[bytes.below(fitting.size())]->id;
}

} // namespace attnforge::fuzz
