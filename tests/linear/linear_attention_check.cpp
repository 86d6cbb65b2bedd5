#include "linear_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {

void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(linear_case.describe() + ", " + random.replay_hint());
  reference::AttentionInputs inputs =
      reference::make_attention_inputs(linear_case.shape, random, linear_case.input_options());
  const double budget = linear_case.budget > 0 ? linear_case.budget : reference::error_budget(DType::F32);
  const Expected expected{linear_reference(linear_case, inputs), budget};
  check_dispatched_and_every_variant("linear", inputs, {.params = params_of(linear_case)}, expected, inspect);
}

} // namespace attnforge::testing
