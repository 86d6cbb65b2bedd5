// Checks the reference itself on cases small enough to work out by hand: a
// wrong reference would pass wrong kernels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "attnforge/reference/reference.hpp"

namespace attnforge::reference {
namespace {

void set(const TensorView &view, int64_t b, int64_t h, int64_t n, int64_t d, float value) {
  static_cast<float *>(view.data)[offset_of(view, b, h, n, d)] = value;
}

HostTensor filled(std::array<int64_t, 4> shape, float value, MemoryOrder order = MemoryOrder::BHND) {
  HostTensor tensor = HostTensor::attention_operand(shape, order);
  for (int64_t b = 0; b < shape[0]; ++b)
    for (int64_t h = 0; h < shape[1]; ++h)
      for (int64_t n = 0; n < shape[2]; ++n)
        for (int64_t d = 0; d < shape[3]; ++d) set(tensor.view(), b, h, n, d, value);
  return tensor;
}

TEST(Reference, SingleKeyReturnsItsValue) {
  Random random;
  SCOPED_TRACE(random.replay_hint());
  AttentionInputs inputs = make_attention_inputs({1, 2, 2, 5, 1, 8, 3}, random);
  const DoubleTensor out = full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view());
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t e = 0; e < 3; ++e) {
        EXPECT_DOUBLE_EQ(out.at(0, h, i, e), load_f32(inputs.v.view(), 0, h, 0, e));
      }
}

TEST(Reference, TwoKeysWeighByExponentOfScore) {
  // scores 0 and ln 3 give weights 1/4 and 3/4: 4/4 + 3·8/4 = 7.
  HostTensor q = filled({1, 1, 1, 1}, 1.0f);
  HostTensor k = filled({1, 1, 2, 1}, 0.0f);
  HostTensor v = filled({1, 1, 2, 1}, 4.0f);
  set(k.view(), 0, 0, 1, 0, static_cast<float>(std::log(3.0)));
  set(v.view(), 0, 0, 1, 0, 8.0f);
  FullAttentionOptions options;
  options.scale = 1.0;
  const DoubleTensor out = full_attention(q.view(), k.view(), v.view(), options);
  EXPECT_NEAR(out.at(0, 0, 0, 0), 7.0, 1e-6);
}

TEST(Reference, EqualScoresAverageTheVisibleValues) {
  HostTensor q = filled({1, 1, 3, 4}, 0.0f);
  HostTensor k = filled({1, 1, 3, 4}, 1.0f);
  HostTensor v = filled({1, 1, 3, 1}, 0.0f);
  for (int j = 0; j < 3; ++j) set(v.view(), 0, 0, j, 0, static_cast<float>(j + 1));
  FullAttentionOptions options;
  options.causal = true;
  const DoubleTensor out = full_attention(q.view(), k.view(), v.view(), options);
  EXPECT_DOUBLE_EQ(out.at(0, 0, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(out.at(0, 0, 1, 0), 1.5);
  EXPECT_DOUBLE_EQ(out.at(0, 0, 2, 0), 2.0);
}

TEST(Reference, CausalMaskIsAlignedBottomRight) {
  FullAttentionOptions options;
  options.causal = true;
  const AllowedFn more_keys = full_attention_mask(options, 1, 2, 4);
  EXPECT_TRUE(more_keys(0, 0, 0, 2));
  EXPECT_FALSE(more_keys(0, 0, 0, 3));
  EXPECT_TRUE(more_keys(0, 0, 1, 3));
  const AllowedFn more_queries = full_attention_mask(options, 1, 4, 2);
  EXPECT_FALSE(more_queries(0, 0, 0, 0));
  EXPECT_FALSE(more_queries(0, 0, 1, 0));
  EXPECT_TRUE(more_queries(0, 0, 2, 0));
  EXPECT_FALSE(more_queries(0, 0, 2, 1));
  EXPECT_TRUE(more_queries(0, 0, 3, 1));
}

TEST(Reference, KeyLengthLimitsEachBatchAndZeroGivesZeroRows) {
  Random random;
  SCOPED_TRACE(random.replay_hint());
  AttentionInputs inputs = make_attention_inputs({2, 1, 1, 3, 4, 4, 4}, random, {.kv_len = {0, 2}});
  FullAttentionOptions options;
  options.kv_len = inputs.tensors.at("kv_len").view();
  const AllowedFn allowed = full_attention_mask(options, 2, 3, 4);
  EXPECT_FALSE(allowed(0, 0, 0, 0));
  EXPECT_TRUE(allowed(1, 0, 0, 1));
  EXPECT_FALSE(allowed(1, 0, 0, 2));
  const DoubleTensor out =
      full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t e = 0; e < 4; ++e) EXPECT_EQ(out.at(0, 0, i, e), 0.0);
}

TEST(Reference, QueryHeadsShareTheirGroupsKvHead) {
  // Zero queries weigh keys equally, so each head returns its kv head's value.
  HostTensor q = filled({1, 4, 2, 4}, 0.0f);
  HostTensor k = filled({1, 2, 3, 4}, 1.0f);
  HostTensor v = filled({1, 2, 3, 1}, 10.0f);
  for (int j = 0; j < 3; ++j) set(v.view(), 0, 1, j, 0, 20.0f);
  const DoubleTensor out = full_attention(q.view(), k.view(), v.view());
  EXPECT_DOUBLE_EQ(out.at(0, 0, 0, 0), 10.0);
  EXPECT_DOUBLE_EQ(out.at(0, 1, 1, 0), 10.0);
  EXPECT_DOUBLE_EQ(out.at(0, 2, 0, 0), 20.0);
  EXPECT_DOUBLE_EQ(out.at(0, 3, 1, 0), 20.0);
}

TEST(Reference, SequenceMajorMemoryReadsTheSameTensor) {
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE(Random(seed).replay_hint());
  const AttentionShape shape{2, 4, 2, 5, 7, 6, 3};
  Random first(seed), second(seed);
  AttentionInputs dense = make_attention_inputs(shape, first);
  AttentionInputs strided =
      make_attention_inputs(shape, second, {.order = MemoryOrder::BNHD, .row_padding = 3});
  ASSERT_NE(strided.q.view().strides[1], dense.q.view().strides[1]);
  const DoubleTensor a = full_attention(dense.q.view(), dense.k.view(), dense.v.view());
  const DoubleTensor b = full_attention(strided.q.view(), strided.k.view(), strided.v.view());
  EXPECT_EQ(a.values, b.values);
}

TEST(Reference, DefaultScaleIsInverseSqrtOfHeadDim) {
  Random random;
  SCOPED_TRACE(random.replay_hint());
  AttentionInputs inputs = make_attention_inputs({1, 1, 1, 4, 4, 16, 2}, random);
  FullAttentionOptions explicit_scale;
  explicit_scale.scale = 0.25;
  EXPECT_EQ(full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view()).values,
            full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), explicit_scale).values);
}

TEST(Reference, LargeScoresStayFinite) {
  Random random;
  SCOPED_TRACE(random.replay_hint());
  AttentionInputs inputs = make_attention_inputs({1, 1, 1, 8, 8, 8, 8}, random);
  FullAttentionOptions options;
  options.scale = 1e4;
  for (double value : full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options).values) {
    EXPECT_TRUE(std::isfinite(value));
  }
}

TEST(ErrorMetric, IsZeroForAnExactCopyAndRelativeOtherwise) {
  HostTensor out = filled({1, 1, 1, 2}, 1.0f);
  DoubleTensor ref = DoubleTensor::zeros({1, 1, 1, 2});
  ref.values = {1.0, 1.0};
  EXPECT_EQ(relative_l2_error(out.view(), ref), 0.0);
  ref.values = {2.0, 2.0};
  EXPECT_DOUBLE_EQ(relative_l2_error(out.view(), ref), 0.5);
}

TEST(ErrorMetric, NaNOrInfinityNeverPasses) {
  HostTensor out = filled({1, 1, 1, 2}, 1.0f);
  DoubleTensor ref = DoubleTensor::zeros({1, 1, 1, 2});
  ref.values = {1.0, 1.0};
  set(out.view(), 0, 0, 0, 1, std::numeric_limits<float>::infinity());
  EXPECT_EQ(relative_l2_error(out.view(), ref), std::numeric_limits<double>::infinity());
  poison(out.view());
  EXPECT_EQ(relative_l2_error(out.view(), ref), std::numeric_limits<double>::infinity());
}

TEST(ErrorMetric, AllZeroReferenceScoresTheOutputsNorm) {
  HostTensor out = filled({1, 1, 1, 2}, 0.0f);
  const DoubleTensor ref = DoubleTensor::zeros({1, 1, 1, 2});
  EXPECT_EQ(relative_l2_error(out.view(), ref), 0.0);
  set(out.view(), 0, 0, 0, 0, 3.0f);
  set(out.view(), 0, 0, 0, 1, 4.0f);
  EXPECT_DOUBLE_EQ(relative_l2_error(out.view(), ref), 5.0);
}

TEST(HostTensor, PaddingStaysPoisonedAndReportsStrayWrites) {
  Random random;
  HostTensor tensor = HostTensor::attention_operand({1, 2, 3, 4}, MemoryOrder::BNHD, 2);
  tensor.fill_normal(random);
  EXPECT_EQ(tensor.written_outside_view(), 0);
  static_cast<float *>(tensor.view().data)[4] = 0.0f;  // the first row's padding
  EXPECT_EQ(tensor.written_outside_view(), 1);
}

// Large blocks are where glibc's malloc stops at 16-byte alignment (mmap'd
// chunks): both sizes must still start on a cache line.
TEST(HostTensor, OperandsStartOnACacheLine) {
  for (int64_t length : {3, 1 << 16}) {
    HostTensor tensor = HostTensor::attention_operand({1, 4, length, 64}, MemoryOrder::BHND);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(tensor.view().data) % 64, 0u) << "length " << length;
  }
}

TEST(AttentionInputs, KeyMaskIsDrawnAfterTheOperandsWithItsKeepRate) {
  // [B, Nk] bytes of 0 and 1, about `keep` of them 1; q, k and v are the
  // ones the same seed gives without a mask, so a mask never changes them.
  const AttentionShape shape{2, 1, 1, 3, 5000, 4, 4};
  Random plain_random(7), masked_random(7);
  const AttentionInputs plain = make_attention_inputs(shape, plain_random);
  InputOptions options;
  options.key_mask_keep = 0.3;
  const AttentionInputs masked = make_attention_inputs(shape, masked_random, options);
  EXPECT_FALSE(plain.tensor_view("key_mask").present());
  const TensorView mask = masked.tensor_view("key_mask");
  ASSERT_EQ(mask.dtype, DType::U8);
  ASSERT_EQ(mask.rank, 2);
  EXPECT_EQ(mask.shape[0], 2);
  EXPECT_EQ(mask.shape[1], 5000);
  int64_t kept = 0;
  for (int64_t n = 0; n < 2 * 5000; ++n) {
    const uint8_t byte = static_cast<const uint8_t *>(mask.data)[n];
    ASSERT_LE(byte, 1);
    kept += byte;
  }
  EXPECT_NEAR(kept / 10000.0, 0.3, 0.03);
  EXPECT_EQ(load_f32(masked.v.view(), 1, 0, 4999, 3), load_f32(plain.v.view(), 1, 0, 4999, 3));
  for (double keep : {0.0, 1.0}) {
    options.key_mask_keep = keep;
    const AttentionInputs all_or_none = make_attention_inputs(shape, masked_random, options);
    const auto *bytes = static_cast<const uint8_t *>(all_or_none.tensor_view("key_mask").data);
    EXPECT_EQ(std::count(bytes, bytes + 10000, uint8_t(keep)), 10000) << "keep " << keep;
  }
}

TEST(Random, SameSeedReplaysTheSameInputs) {
  Random first(42), second(42);
  for (int n = 0; n < 8; ++n) EXPECT_EQ(first.normal(), second.normal());
}

} // namespace
} // namespace attnforge::reference
