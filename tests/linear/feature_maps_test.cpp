// Each feature map, causal and not, against the reference; and small cases
// worked out by hand, so the reference itself is pinned to the semantics of
// lucidrains' linear-attention-transformer (softmax) and Katharopoulos et al.
// (elu1, relu).
#include <gtest/gtest.h>

#include "linear_attention_check.hpp"

namespace attnforge::testing {
namespace {

constexpr FeatureMap kAllMaps[] = {FeatureMap::Softmax, FeatureMap::Elu1, FeatureMap::Relu};

TEST(LinearAttention, EveryFeatureMapNonCausal) {
  for (FeatureMap map : kAllMaps) {
    check_linear_attention({.shape = {2, 4, 4, 129, 129, 64, 64}, .feature_map = map});
    check_linear_attention({.shape = {1, 2, 2, 50, 77, 32, 48}, .feature_map = map});
  }
}

TEST(LinearAttention, Elu1AndReluCausal) {
  for (FeatureMap map : {FeatureMap::Elu1, FeatureMap::Relu}) {
    check_linear_attention({.shape = {2, 4, 4, 129, 129, 64, 64}, .feature_map = map, .causal = true});
    check_linear_attention({.shape = {1, 2, 2, 50, 77, 32, 48}, .feature_map = map, .causal = true});
  }
}

TEST(LinearAttention, LargeEpsDominatesTheNormaliser) {
  check_linear_attention({.shape = {1, 2, 2, 65, 65, 64, 64}, .feature_map = FeatureMap::Relu, .eps = 100.0});
  check_linear_attention(
      {.shape = {1, 2, 2, 65, 65, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true, .eps = 0.5});
}

// A 1×1×2×2 problem (B, H, N, D) with Dv = 2, run on the dispatched kernel.
struct TinyProblem {
  std::vector<float> q, k, v, out = std::vector<float>(4, NAN);
  std::vector<uint8_t> key_mask;

  std::vector<float> run(FeatureMap map, bool causal) {
    Arguments arguments;
    arguments.q = TensorView::contiguous(q.data(), DType::F32, {1, 1, 2, 2});
    arguments.k = TensorView::contiguous(k.data(), DType::F32, {1, 1, 2, 2});
    arguments.v = TensorView::contiguous(v.data(), DType::F32, {1, 1, 2, 2});
    arguments.out = TensorView::contiguous(out.data(), DType::F32, {1, 1, 2, 2});
    if (!key_mask.empty()) arguments.tensors["key_mask"] = TensorView::contiguous(key_mask.data(), DType::U8, {1, 2});
    arguments.params = {{"feature_map", static_cast<double>(map)}, {"causal", causal ? 1.0 : 0.0}};
    shared_registry().kernel("linear")(arguments);
    return out;
  }
};

void expect_near(const std::vector<float> &got, const std::vector<float> &expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t n = 0; n < got.size(); ++n) EXPECT_NEAR(got[n], expected[n], 1e-6) << "element " << n;
}

TEST(LinearAttention, HandCheckedRelu) {
  // φ = relu leaves these inputs unchanged. context = Σ_j k_j ⊗ v_j =
  // [[1, 2], [1, 0]], key_sum = (3, 1).
  //   non-causal: out_0 = (1, 2) / 3, out_1 = 2·(1, 0) / 2.
  //   causal: query 0 sees key 0 only (w = 1): v_0; query 1: w = (2, 0): v_0.
  TinyProblem problem{.q = {1, 0, 0, 2}, .k = {1, 1, 2, 0}, .v = {1, 0, 0, 1}};
  expect_near(problem.run(FeatureMap::Relu, false), {1.0f / 3, 2.0f / 3, 1, 0});
  expect_near(problem.run(FeatureMap::Relu, true), {1, 0, 1, 0});
}

TEST(LinearAttention, HandCheckedElu1) {
  // φ(0) = 1, φ(1) = 2, φ(−1) = e⁻¹. q_0 = (0, 0) → (1, 1); k_0 = (1, −1) →
  // (2, 1/e), k_1 = (0, 0) → (1, 1). w_00 = 2 + 1/e, w_01 = 2.
  const float e_inv = std::exp(-1.0f);
  TinyProblem problem{.q = {0, 0, 0, 0}, .k = {1, -1, 0, 0}, .v = {1, 0, 0, 1}};
  const float w0 = 2 + e_inv, w1 = 2;
  expect_near(problem.run(FeatureMap::Elu1, false), {w0 / (w0 + w1), w1 / (w0 + w1), w0 / (w0 + w1), w1 / (w0 + w1)});
  expect_near(problem.run(FeatureMap::Elu1, true), {1, 0, w0 / (w0 + w1), w1 / (w0 + w1)});
}

TEST(LinearAttention, HandCheckedSoftmaxAsLucidrains) {
  // q.softmax(dim=-1): q = (0, 0) → (½, ½) for both queries.
  // k.softmax(dim=-2): feature 0 is (0, 0) over the keys → (½, ½); feature 1
  // is (ln 3, 0) → (¾, ¼). context = [[½, ½], [¾, ¼]] (rows: features).
  // out = ½·(½, ½) + ½·(¾, ¼) = (⅝, ⅜), with no normaliser.
  TinyProblem problem{.q = {0, 0, 0, 0}, .k = {0, std::log(3.0f), 0, 0}, .v = {1, 0, 0, 1}};
  expect_near(problem.run(FeatureMap::Softmax, false), {0.625f, 0.375f, 0.625f, 0.375f});
  // A masked key is −∞ before k's softmax: only key 0 remains, with weight 1.
  problem.key_mask = {1, 0};
  expect_near(problem.run(FeatureMap::Softmax, false), {1, 0, 1, 0});
}

} // namespace
} // namespace attnforge::testing
