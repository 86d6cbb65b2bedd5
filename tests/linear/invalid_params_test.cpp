// Invalid parameters are rejected before any kernel runs, with the error
// category and a message naming the parameter; the output stays poisoned.
#include <gtest/gtest.h>

#include <cmath>

#include "linear_attention_check.hpp"

namespace attnforge::testing {
namespace {

// Calls `linear` with `params` and returns the error it throws; fails the
// test if it does not throw or if any output element was written.
Error rejected_call(const std::map<std::string, double> &params) {
  reference::Random random;
  reference::AttentionInputs inputs = reference::make_attention_inputs({1, 2, 2, 17, 17, 64, 64}, random);
  inputs.out.poison();
  try {
    shared_registry().kernel("linear")(inputs.arguments(params));
  } catch (const Error &error) {
    const TensorView &out = inputs.out.view();
    for (int64_t n = 0; n < out.element_count(); ++n) {
      if (!std::isnan(static_cast<const float *>(out.data)[n])) {
        ADD_FAILURE() << "output element " << n << " was written by a rejected call";
        break;
      }
    }
    return error;
  }
  ADD_FAILURE() << "the call was not rejected";
  return Error(ErrorCategory::Runtime, "");
}

TEST(LinearAttention, NonPositiveEpsIsRejected) {
  for (double eps : {0.0, -1e-6}) {
    const Error error = rejected_call({{"feature_map", 1}, {"eps", eps}});
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find("parameter 'eps'"), std::string::npos) << error.what();
  }
}

TEST(LinearAttention, UnknownFeatureMapIsRejected) {
  for (double map : {-1.0, 3.0, 1.5}) {
    const Error error = rejected_call({{"feature_map", map}});
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find("expected an integer in [0, 2]"), std::string::npos) << error.what();
  }
}

TEST(LinearAttention, SoftmaxWithCausalIsUnsupported) {
  const Error error = rejected_call({{"feature_map", 0}, {"causal", 1}});
  EXPECT_EQ(error.category(), ErrorCategory::Unsupported);
  EXPECT_NE(std::string(error.what()).find("feature_map"), std::string::npos) << error.what();
}

TEST(LinearAttention, KeyMaskOfTheWrongShapeIsRejected) {
  reference::Random random;
  reference::AttentionInputs inputs = reference::make_attention_inputs({2, 2, 2, 17, 17, 64, 64}, random);
  std::vector<uint8_t> mask(2 * 16, 1);
  Arguments arguments = inputs.arguments({{"feature_map", 1}});
  arguments.tensors["key_mask"] = TensorView::contiguous(mask.data(), DType::U8, {2, 16});
  try {
    shared_registry().kernel("linear")(arguments);
    ADD_FAILURE() << "the call was not rejected";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find("key_mask"), std::string::npos) << error.what();
  }
}

} // namespace
} // namespace attnforge::testing
