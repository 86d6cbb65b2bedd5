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

} // namespace

reference::InputOptions FullCase::input_options() const {
  return {.order = order, .row_padding = row_padding, .kv_len = kv_len};
}

std::string FullCase::describe() const {
  std::string text = shape.to_string();
  if (causal) text += " causal";
  if (!std::isnan(scale)) text += " scale=" + std::to_string(scale);
  return text + input_options().to_string();
}

void check_full_attention(const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = reference::make_attention_inputs(full_case.shape, random, full_case.input_options());
  const Expected expected = expected_of(full_case, inputs);
  check_dispatched_and_every_variant("full", inputs, {.params = params_of(full_case)}, expected, inspect);
}

void check_kernel(const Kernel &kernel, const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = reference::make_attention_inputs(full_case.shape, random, full_case.input_options());
  const Expected expected = expected_of(full_case, inputs);
  run_and_compare(kernel, kernel.name(), inputs, {.params = params_of(full_case)}, expected, inspect);
}

} // namespace attnforge::testing
