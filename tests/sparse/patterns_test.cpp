// Each fixed pattern part alone and in union, causal intersected with them,
// the edge values 0, 1 and > N, and the shapes full attention must handle.
#include <gtest/gtest.h>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

const AttentionShape kShape{1, 2, 2, 200, 200, 64, 64}; // 4 blocks, the last ragged

SparsePattern window(int64_t left, int64_t right, bool causal = false) {
  SparsePattern pattern;
  pattern.window_left = left;
  pattern.window_right = right;
  pattern.causal = causal;
  return pattern;
}

SparsePattern strided(int64_t stride, bool one_sided = false) {
  SparsePattern pattern;
  pattern.stride = stride;
  pattern.stride_one_sided = one_sided;
  return pattern;
}

SparsePattern global(int64_t count) {
  SparsePattern pattern;
  pattern.num_global = count;
  return pattern;
}

TEST(SparsePatterns, LocalWindowAlone) {
  check_sparse_attention({.shape = kShape, .pattern = window(16, 16)});
  check_sparse_attention({.shape = kShape, .pattern = window(70, 3)});
}

TEST(SparsePatterns, OneSidedWindowIsCausalLocal) {
  check_sparse_attention({.shape = kShape, .pattern = window(20, -1)});
  check_sparse_attention({.shape = kShape, .pattern = window(-1, 9)});
}

TEST(SparsePatterns, StridedAlone) {
  check_sparse_attention({.shape = kShape, .pattern = strided(7)});
  check_sparse_attention({.shape = kShape, .pattern = strided(64, true)});
}

TEST(SparsePatterns, GlobalTokensAlone) {
  check_sparse_attention({.shape = kShape, .pattern = global(3)});
  check_sparse_attention({.shape = kShape, .pattern = global(70)});
}

TEST(SparsePatterns, UnionOfEveryPart) {
  SparsePattern pattern = window(8, 4);
  pattern.stride = 16;
  pattern.num_global = 2;
  check_sparse_attention({.shape = kShape, .pattern = pattern});
  pattern.stride_one_sided = true;
  check_sparse_attention({.shape = kShape, .pattern = pattern, .scale = 0.7});
}

TEST(SparsePatterns, CausalIntersectsEveryPart) {
  check_sparse_attention({.shape = kShape, .pattern = window(12, 12, true)});
  SparsePattern pattern = strided(5);
  pattern.causal = true;
  check_sparse_attention({.shape = kShape, .pattern = pattern});
  pattern = global(4);
  pattern.causal = true;
  pattern.window_left = 3;
  check_sparse_attention({.shape = kShape, .pattern = pattern});
}

TEST(SparsePatterns, ValuesZeroOneAndBeyondN) {
  const AttentionShape shape{1, 2, 2, 130, 130, 64, 64};
  for (int64_t value : {0, 1, 1000}) {
    SCOPED_TRACE("value " + std::to_string(value));
    check_sparse_attention({.shape = shape, .pattern = window(value, value)});
    check_sparse_attention({.shape = shape, .pattern = window(value, -1, true)});
    if (value > 0) check_sparse_attention({.shape = shape, .pattern = strided(value)});
    if (value > 0) check_sparse_attention({.shape = shape, .pattern = global(value)});
  }
  // Parts that are off (stride 0, num_global 0) beside one that is on.
  SparsePattern pattern = window(0, 0);
  pattern.stride = 0;
  pattern.num_global = 0;
  check_sparse_attention({.shape = shape, .pattern = pattern});
}

TEST(SparsePatterns, LengthsThatNoBlockDivides) {
  for (int64_t n : {1, 63, 65, 129}) {
    check_sparse_attention({.shape = {1, 2, 2, n, n, 64, 64}, .pattern = window(10, 10)});
  }
}

TEST(SparsePatterns, QueriesAndKeysDiffer) {
  // Positions align bottom-right: query i sits at i + Nk − Nq.
  check_sparse_attention({.shape = {1, 2, 2, 70, 200, 64, 64}, .pattern = window(30, 0, true)});
  SparsePattern pattern = strided(9, true);
  pattern.num_global = 5;
  check_sparse_attention({.shape = {1, 2, 2, 200, 70, 64, 64}, .pattern = pattern});
  // Queries at negative positions, no global part: only the window reaches keys.
  check_sparse_attention({.shape = {1, 2, 2, 200, 70, 64, 64}, .pattern = window(3, 140)});
}

TEST(SparsePatterns, RowsThatSeeNoKeyAreZero) {
  // Nq > Nk with causal: queries i < Nq − Nk sit before every key.
  const SparseCase sparse_case{.shape = {1, 2, 2, 100, 30, 64, 64}, .pattern = window(5, 5, true)};
  check_sparse_attention(sparse_case, [](const reference::AttentionInputs &inputs, const std::string &) {
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < 70; ++i) expect_zero_row(inputs, 0, h, i);
  });
}

TEST(SparsePatterns, GroupedAndMultiQueryHeads) {
  check_sparse_attention({.shape = {2, 8, 2, 129, 129, 64, 64}, .pattern = window(16, 0, true)});
  check_sparse_attention({.shape = {1, 4, 1, 129, 129, 64, 64}, .pattern = strided(11)});
}

TEST(SparsePatterns, KeyLengthsCutEveryPart) {
  SparsePattern pattern = window(20, 20);
  pattern.num_global = 3;
  check_sparse_attention({.shape = {3, 2, 2, 150, 150, 64, 64}, .pattern = pattern, .kv_len = {0, 77, 150}});
}

TEST(SparsePatterns, AnyHeadSizeAndStridedMemory) {
  check_sparse_attention({.shape = {2, 2, 2, 100, 100, 40, 24}, .pattern = window(9, 9)});
  check_sparse_attention(
      {.shape = {2, 4, 2, 100, 100, 64, 64}, .pattern = strided(3), .order = MemoryOrder::BNHD});
}

TEST(SparsePatterns, EverythingAllowedEqualsFull) {
  // Stride 1 keeps every pair: the result must be `full`'s, causal or not.
  const AttentionShape shape{2, 4, 2, 150, 150, 64, 64};
  for (bool causal : {false, true}) {
    SparsePattern pattern = strided(1);
    pattern.causal = causal;
    const SparseCase sparse_case{.shape = shape, .pattern = pattern, .kv_len = {150, 91}};
    check_sparse_attention(sparse_case);

    reference::Random random;
    SCOPED_TRACE(random.replay_hint());
    reference::AttentionInputs inputs = make_sparse_inputs(sparse_case, random);
    shared_registry().kernel("sparse")(inputs.arguments(params_of(sparse_case)));
    std::vector<float> sparse_out(static_cast<const float *>(inputs.out.view().data),
                                  static_cast<const float *>(inputs.out.view().data) +
                                      inputs.out.view().element_count());
    if (usable_variants("full", shape).empty()) GTEST_SKIP() << "no usable full variant here";
    const Kernel full = shared_registry().kernel("full");
    inputs.out.poison();
    std::map<std::string, double> full_params;
    if (causal) full_params["causal"] = 1;
    full(inputs.arguments(full_params));
    const float *full_out = static_cast<const float *>(inputs.out.view().data);
    double difference = 0, norm = 0;
    for (size_t n = 0; n < sparse_out.size(); ++n) {
      difference += (sparse_out[n] - full_out[n]) * double(sparse_out[n] - full_out[n]);
      norm += double(full_out[n]) * full_out[n];
    }
    EXPECT_LE(std::sqrt(difference / norm), 2e-6) << "sparse with stride 1 differs from full";
  }
}

} // namespace
} // namespace attnforge::testing
