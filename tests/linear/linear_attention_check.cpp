#include "linear_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;

// The key mask lives beside the inputs: HostTensor holds f32 and i32 only.
struct LinearInputs {
  AttentionInputs inputs;
  std::vector<uint8_t> key_mask;
  TensorView key_mask_view{};
};

LinearInputs make_inputs(const LinearCase &linear_case, reference::Random &random) {
  reference::InputOptions options;
  options.order = linear_case.order;
  options.row_padding = linear_case.row_padding;
  options.kv_len = linear_case.kv_len;
  LinearInputs made{reference::make_attention_inputs(linear_case.shape, random, options), linear_case.key_mask, {}};
  if (!made.key_mask.empty()) {
    made.key_mask_view = TensorView::contiguous(made.key_mask.data(), DType::U8,
                                                {linear_case.shape.batch, linear_case.shape.keys});
  }
  return made;
}

Expected expected_of(const LinearCase &linear_case, const LinearInputs &made) {
  reference::LinearAttentionOptions options;
  options.feature_map = linear_case.feature_map;
  options.causal = linear_case.causal;
  options.eps = linear_case.eps;
  if (auto found = made.inputs.tensors.find("kv_len"); found != made.inputs.tensors.end()) {
    options.kv_len = found->second.view();
  }
  options.key_mask = made.key_mask_view;
  const AttentionInputs &inputs = made.inputs;
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

std::string LinearCase::describe() const {
  std::string text = shape.to_string() + " " + name_of(feature_map);
  if (causal) text += " causal";
  if (eps != 1e-6) text += " eps=" + std::to_string(eps);
  if (!kv_len.empty()) {
    text += " kv_len=";
    for (size_t b = 0; b < kv_len.size(); ++b) text += (b ? "," : "") + std::to_string(kv_len[b]);
  }
  if (!key_mask.empty()) text += " key_mask";
  if (order != MemoryOrder::BHND) text += std::string(" ") + to_string(order);
  if (row_padding) text += " row_padding=" + std::to_string(row_padding);
  return text;
}

std::map<std::string, double> params_of(const LinearCase &linear_case) {
  std::map<std::string, double> params;
  params["feature_map"] = static_cast<double>(linear_case.feature_map);
  if (linear_case.causal) params["causal"] = 1;
  if (linear_case.eps != 1e-6) params["eps"] = linear_case.eps;
  return params;
}

std::vector<uint8_t> random_key_mask(int64_t batch, int64_t keys, double keep, reference::Random &random) {
  std::vector<uint8_t> mask(static_cast<size_t>(batch * keys));
  for (uint8_t &byte : mask) byte = random.integer(0, 999) < keep * 1000 ? 1 : 0;
  return mask;
}

void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(linear_case.describe() + ", " + random.replay_hint());
  LinearInputs made = make_inputs(linear_case, random);
  const Expected expected = expected_of(linear_case, made);
  ExtraArguments extra{.params = params_of(linear_case)};
  if (made.key_mask_view.present()) extra.tensors["key_mask"] = made.key_mask_view;
  check_dispatched_and_every_variant("linear", made.inputs, extra, expected, inspect);
}

} // namespace attnforge::testing
