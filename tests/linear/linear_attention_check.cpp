#include "linear_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;

Expected expected_of(const LinearCase &linear_case, const AttentionInputs &inputs) {
  reference::LinearAttentionOptions options;
  options.feature_map = linear_case.feature_map;
  options.causal = linear_case.causal;
  options.eps = linear_case.eps;
  options.kv_len = inputs.tensor_view("kv_len");
  options.key_mask = inputs.tensor_view("key_mask");
  const double budget = linear_case.budget > 0 ? linear_case.budget : reference::error_budget(DType::F32);
  return {reference::linear_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options), budget};
}

const char *name_of(FeatureMap map) {
  switch (map) {
    case FeatureMap::Softmax: return "softmax";
    case FeatureMap::Elu1: return "elu1";
    default: return "relu";
  }
}

} // namespace

reference::InputOptions LinearCase::input_options() const {
  return {.order = order, .row_padding = row_padding, .kv_len = kv_len, .key_mask_keep = key_mask_keep};
}

std::string LinearCase::describe() const {
  std::string text = shape.to_string() + " " + name_of(feature_map);
  if (causal) text += " causal";
  if (eps != 1e-6) text += " eps=" + std::to_string(eps);
  return text + input_options().to_string();
}

std::map<std::string, double> params_of(const LinearCase &linear_case) {
  std::map<std::string, double> params;
  params["feature_map"] = static_cast<double>(linear_case.feature_map);
  if (linear_case.causal) params["causal"] = 1;
  if (linear_case.eps != 1e-6) params["eps"] = linear_case.eps;
  return params;
}

void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(linear_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = reference::make_attention_inputs(linear_case.shape, random, linear_case.input_options());
  const Expected expected = expected_of(linear_case, inputs);
  check_dispatched_and_every_variant("linear", inputs, {.params = params_of(linear_case)}, expected, inspect);
}

} // namespace attnforge::testing
