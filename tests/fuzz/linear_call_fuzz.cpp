#include "linear_call_fuzz.hpp"

#include <cmath>
#include <cstring>

namespace attnforge::fuzz {
namespace {

std::vector<const VariantInfo *> usable_linear_variants(const Registry &registry) {
  std::vector<const VariantInfo *> variants;
  for (const VariantInfo &variant : registry.variants()) {
    if (variant.kernel == "linear" && variant.usable) variants.push_back(&variant);
  }
  return variants;
}

double param_or(const LinearCall &call, const char *name, double fallback) {
  const auto found = call.params.find(name);
  return found == call.params.end() ? fallback : found->second;
}

reference::DoubleTensor expected_output(const LinearCall &call, const reference::AttentionInputs &inputs) {
  reference::LinearAttentionOptions options;
  options.feature_map = static_cast<reference::FeatureMap>(param_or(call, "feature_map", 0));
  options.causal = param_or(call, "causal", 0) != 0;
  options.eps = param_or(call, "eps", 1e-6);
  options.kv_len = inputs.tensor_view("kv_len");
  options.key_mask = inputs.tensor_view("key_mask");
  return reference::linear_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

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

void check_accepted(const LinearCall &call, const PreparedCall &prepared, FuzzOutcome &outcome) {
  const reference::AttentionInputs &inputs = prepared.inputs;
  const double error = reference::relative_l2_error(inputs.out.view(), expected_output(call, inputs));
  const double budget = reference::error_budget(DType::F32);
  if (!(error <= budget)) {
    outcome.broken_rules.push_back("relative error " + std::to_string(error) + " exceeds the f32 budget " +
                                   std::to_string(budget));
  }
  if (const int64_t outside = inputs.out.written_outside_view(); outside != 0) {
    outcome.broken_rules.push_back(std::to_string(outside) + " elements written outside the output view");
  }
}

void check_rejected(const LinearCall &call, const PreparedCall &prepared, const Error &error,
                    const std::vector<float> &q_before, FuzzOutcome &outcome) {
  const ExpectedError expected = call.expected_error();
  if (error.category() != expected.category) {
    outcome.broken_rules.push_back(std::string("threw ") + to_string(error.category()) + ", expected " +
                                   to_string(expected.category) + ": " + error.what());
  }
  if (std::string(error.what()).find(expected.mentions) == std::string::npos) {
    outcome.broken_rules.push_back("the message does not mention \"" + expected.mentions + "\": " + error.what());
  }
  if (const int64_t written = written_elements(prepared.inputs.out, call.options.row_padding); written != 0) {
    outcome.broken_rules.push_back("a rejected call wrote " + std::to_string(written) + " output elements");
  }
  const std::vector<float> q_after = stored_floats(prepared.inputs.q, call.options.row_padding);
  if (std::memcmp(q_before.data(), q_after.data(), q_before.size() * sizeof(float)) != 0) {
    outcome.broken_rules.push_back("a rejected call changed q's memory");
  }
}

} // namespace

FuzzOutcome fuzz_linear_call(const Registry &registry, std::span<const uint8_t> data) {
  FuzzBytes bytes(data);
  const LinearCall call = decode_linear_call(bytes, usable_linear_variants(registry));
  PreparedCall prepared;
  prepare_linear_call(call, prepared);
  FuzzOutcome outcome;
  outcome.call = call.describe();
  outcome.breakage = call.breakage;
  const std::vector<float> q_before = stored_floats(prepared.inputs.q, call.options.row_padding);

  const Kernel kernel = call.pinned_variant.empty() ? registry.kernel("linear") : registry.variant(call.pinned_variant);
  try {
    kernel(prepared.arguments);
    outcome.accepted = true;
  } catch (const Error &error) {
    if (call.breakage == Breakage::None) {
      outcome.broken_rules.push_back(std::string("a valid call was rejected: ") + error.what());
    } else {
      check_rejected(call, prepared, error, q_before, outcome);
    }
    return outcome;
  } catch (const std::exception &other) {
    outcome.broken_rules.push_back(std::string("threw something other than attnforge::Error: ") + other.what());
    return outcome;
  }
  if (call.breakage != Breakage::None) {
    outcome.broken_rules.push_back("a broken call ran instead of being rejected");
  } else {
    check_accepted(call, prepared, outcome);
  }
  return outcome;
}

} // namespace attnforge::fuzz
