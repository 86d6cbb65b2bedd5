// Key padding: kv_len and the boolean key mask, alone and together, causal
// and not; rows that see no key are zero, never NaN.
#include <gtest/gtest.h>

#include "linear_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(LinearAttention, KeyLengthShorterThanKeys) {
  for (FeatureMap map : {FeatureMap::Softmax, FeatureMap::Elu1, FeatureMap::Relu}) {
    check_linear_attention({.shape = {3, 2, 2, 65, 65, 64, 64}, .feature_map = map, .kv_len = {1, 40, 65}});
  }
  check_linear_attention(
      {.shape = {2, 2, 2, 100, 100, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true, .kv_len = {70, 100}});
}

TEST(LinearAttention, KeyMaskDropsKeys) {
  for (FeatureMap map : {FeatureMap::Softmax, FeatureMap::Elu1, FeatureMap::Relu}) {
    check_linear_attention({.shape = {2, 2, 2, 90, 130, 64, 64},
                            .feature_map = map,
                            .key_mask_keep = 0.6});
  }
  check_linear_attention({.shape = {2, 2, 2, 130, 130, 32, 32},
                          .feature_map = FeatureMap::Relu,
                          .causal = true,
                          .key_mask_keep = 0.5});
}

TEST(LinearAttention, KeyMaskCombinesWithKeyLength) {
  check_linear_attention({.shape = {2, 2, 2, 70, 70, 64, 64},
                          .feature_map = FeatureMap::Softmax,
                          .kv_len = {50, 3},
                          .key_mask_keep = 0.7});
  check_linear_attention({.shape = {2, 2, 2, 70, 70, 64, 64},
                          .feature_map = FeatureMap::Elu1,
                          .causal = true,
                          .kv_len = {50, 70},
                          .key_mask_keep = 0.7});
}

TEST(LinearAttention, RowsThatSeeNoKeyAreZero) {
  // kv_len 0, or every key masked: zero rows for every map, never NaN.
  for (FeatureMap map : {FeatureMap::Softmax, FeatureMap::Elu1, FeatureMap::Relu}) {
    const LinearCase masked{.shape = {2, 2, 2, 33, 33, 64, 64},
                            .feature_map = map,
                            .kv_len = {0, 33},
                            .key_mask_keep = 1.0};
    check_linear_attention(masked, [](const reference::AttentionInputs &inputs, const std::string &) {
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t i = 0; i < 33; ++i) expect_zero_row(inputs, 0, h, i);
    });
  }
  check_linear_attention({.shape = {1, 2, 2, 9, 9, 64, 64},
                          .feature_map = FeatureMap::Softmax,
                          .key_mask_keep = 0.0});
}

TEST(LinearAttention, CausalRowsBeforeTheFirstKeyAreZero) {
  // Nq > Nk: queries i < Nq − Nk see no key (bottom-right alignment).
  const LinearCase linear_case{.shape = {1, 2, 2, 90, 20, 64, 64}, .feature_map = FeatureMap::Relu, .causal = true};
  check_linear_attention(linear_case, [](const reference::AttentionInputs &inputs, const std::string &) {
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < 70; ++i) expect_zero_row(inputs, 0, h, i);
  });
}

} // namespace
} // namespace attnforge::testing
