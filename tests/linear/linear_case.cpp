#include "linear_case.hpp"

namespace attnforge::testing {
namespace {

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

reference::DoubleTensor linear_reference(const LinearCase &linear_case, const reference::AttentionInputs &inputs) {
  reference::LinearAttentionOptions options;
  options.feature_map = linear_case.feature_map;
  options.causal = linear_case.causal;
  options.eps = linear_case.eps;
  options.kv_len = inputs.tensor_view("kv_len");
  options.key_mask = inputs.tensor_view("key_mask");
  return reference::linear_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

} // namespace attnforge::testing
