#include "full_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;

std::map<std::string, double> params_of(const FullCase &full_case) {
  std::map<std::string, double> params;
  if (full_case.causal) params["causal"] = 1;
  if (!std::isnan(full_case.scale)) params["scale"] = full_case.scale;
  return params;
}

Expected expected_of(const FullCase &full_case, const AttentionInputs &inputs) {
  reference::FullAttentionOptions options;
  options.scale = full_case.scale;
  options.causal = full_case.causal;
  options.kv_len = inputs.tensor_view("kv_len");
  return {reference::full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options)};
}

AttentionInputs make_inputs(const FullCase &full_case, reference::Random &random) {
  reference::InputOptions options;
  options.order = full_case.order;
  options.row_padding = full_case.row_padding;
  options.kv_len = full_case.kv_len;
  return reference::make_attention_inputs(full_case.shape, random, options);
}

} // namespace

std::string FullCase::describe() const {
  std::string text = shape.to_string();
  if (causal) text += " causal";
  if (!std::isnan(scale)) text += " scale=" + std::to_string(scale);
  if (!kv_len.empty()) {
    text += " kv_len=";
    for (size_t b = 0; b < kv_len.size(); ++b) {
      if (b > 0) text += ',';
      text += std::to_string(kv_len[b]);
    }
  }
  if (order != MemoryOrder::BHND) text += std::string(" ") + to_string(order);
  if (row_padding) text += " row_padding=" + std::to_string(row_padding);
  return text;
}

void check_full_attention(const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = make_inputs(full_case, random);
  const Expected expected = expected_of(full_case, inputs);
  check_dispatched_and_every_variant("full", inputs, {.params = params_of(full_case)}, expected, inspect);
}

void check_kernel(const Kernel &kernel, const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = make_inputs(full_case, random);
  const Expected expected = expected_of(full_case, inputs);
  run_and_compare(kernel, kernel.name(), inputs, {.params = params_of(full_case)}, expected, inspect);
}

} // namespace attnforge::testing
