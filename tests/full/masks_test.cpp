// The causal mask is aligned bottom-right, key lengths cut each batch's keys,
// and a row that sees no key is zero, never NaN. Calls that hide keys
// (causal, or some kv_len < Nk) take the kernel's tile-skipping path, the
// others its running-max path where its larger tiles pay (on AVX-512, Nk
// over 256 and padded no more than to the next multiple of 128, as 700 and
// 768 below), else the tile-skipping path too: all are checked here.
#include <gtest/gtest.h>

#include "full_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(FullAttention, CausalMatchesReference) {
  check_full_attention({.shape = {2, 4, 4, 129, 129, 64, 64}, .causal = true});
}

TEST(FullAttention, CausalWithMoreKeysSeesTheWholePrefix) {
  // Query i sees keys j <= i + Nk - Nq: the last query sees every key.
  check_full_attention({.shape = {1, 2, 2, 31, 200, 64, 64}, .causal = true});
}

TEST(FullAttention, CausalRowsWithNoKeyAreZero) {
  // With Nq > Nk, queries i < Nq - Nk see no key at all.
  const FullCase full_case{.shape = {2, 2, 2, 70, 20, 64, 64}, .causal = true};
  check_full_attention(full_case, [](const reference::AttentionInputs &inputs, const std::string &) {
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t i = 0; i < 50; ++i) expect_zero_row(inputs, b, h, i);
  });
}

TEST(FullAttention, KeyLengthShorterThanKeys) {
  check_full_attention({.shape = {3, 2, 2, 65, 65, 64, 64}, .kv_len = {1, 40, 65}});
  check_full_attention({.shape = {2, 2, 2, 7, 300, 80, 80}, .kv_len = {257, 3}});
}

TEST(FullAttention, KeyLengthWithOneBatchEntry) {
  // A one-element kv_len: its only stride is never used and may be anything.
  check_full_attention({.shape = {1, 2, 2, 200, 200, 64, 64}, .kv_len = {100}});
}

TEST(FullAttention, KeyLengthsThatHideNoKey) {
  // kv_len given but equal to Nk everywhere: nothing hidden, every tile visited.
  check_full_attention({.shape = {2, 2, 2, 65, 300, 64, 64}, .kv_len = {300, 300}});
}

TEST(FullAttention, RunningMaxRescalesTheStateAcrossTiles) {
  // A peaked softmax over several key tiles: each row's max moves from tile
  // to tile, so the state gathered so far is rescaled many times.
  check_full_attention({.shape = {1, 2, 2, 70, 700, 64, 64}, .scale = 2.0});
  check_full_attention({.shape = {1, 2, 2, 70, 700, 64, 64}, .causal = true, .scale = 2.0});
  // Nk a whole number of tiles (768 = 3 × 256 = 6 × 128): the running-max
  // path's own copy of the loop nest, which masks no key at all.
  check_full_attention({.shape = {1, 2, 2, 70, 768, 64, 64}, .scale = 2.0});
}

TEST(FullAttention, ZeroKeyLengthGivesZeroRowsNotNaN) {
  const FullCase full_case{.shape = {2, 2, 2, 33, 33, 64, 64}, .kv_len = {0, 17}};
  check_full_attention(full_case, [](const reference::AttentionInputs &inputs, const std::string &) {
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < 33; ++i) expect_zero_row(inputs, 0, h, i);
  });
}

TEST(FullAttention, EveryBatchWithZeroKeyLengthGivesAllZeros) {
  check_full_attention({.shape = {2, 2, 2, 9, 9, 64, 64}, .kv_len = {0, 0}});
}

TEST(FullAttention, KeyLengthCombinesWithCausal) {
  // Causal stays aligned to Nk, so rows near the top may see no key once
  // kv_len cuts the keys they could see.
  check_full_attention({.shape = {3, 2, 2, 65, 65, 64, 64}, .causal = true, .kv_len = {0, 30, 65}});
  check_full_attention({.shape = {2, 2, 2, 40, 100, 64, 64}, .causal = true, .kv_len = {70, 100}});
}

TEST(FullAttention, CustomScale) {
  check_full_attention({.shape = {1, 2, 2, 65, 65, 64, 64}, .scale = 0.3});
  // A large scale makes the softmax peaked: the running maximum must rescale.
  check_full_attention({.shape = {1, 2, 2, 65, 65, 64, 64}, .causal = true, .scale = 2.0});
  check_full_attention({.shape = {1, 2, 2, 65, 65, 80, 80}, .scale = 0.01});
}

} // namespace
} // namespace attnforge::testing
