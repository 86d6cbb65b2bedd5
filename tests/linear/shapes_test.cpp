// Shapes: ragged sequence lengths, chunk boundaries, Nq ≠ Nk, head sizes the
// d64 variants do not take, GQA/MQA, strided memory, and drift at N = 16384.
#include <gtest/gtest.h>

#include "linear_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(LinearAttention, RaggedSequenceLengths) {
  for (int64_t n : {1, 7, 63, 1000}) {
    check_linear_attention({.shape = {1, 2, 2, n, n, 64, 64}, .feature_map = FeatureMap::Softmax});
    check_linear_attention({.shape = {1, 2, 2, n, n, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true});
  }
}

TEST(LinearAttention, NonCausalTileBoundaries) {
  // Non-causal sums are taken per tile of keys (tuned: 512 keys on AVX-512,
  // 128 elsewhere), then over the tiles; lengths on and around multiples, for
  // the d64 variant and for the any-size one.
  for (int64_t n : {127, 129, 511, 512, 513, 1025}) {
    check_linear_attention({.shape = {1, 2, 2, n, n, 64, 64}, .feature_map = FeatureMap::Softmax});
    check_linear_attention({.shape = {1, 1, 1, n, n, 32, 32}, .feature_map = FeatureMap::Relu});
  }
}

TEST(LinearAttention, ChunkBoundaries) {
  // Tuned chunks are 32 or 64 rows; lengths on and around multiples, and
  // causal offsets (Nk − Nq) that are not, so chunks' keys start mid-way.
  for (int64_t n : {63, 64, 65, 127, 128, 129, 257}) {
    check_linear_attention({.shape = {1, 1, 1, n, n, 32, 32}, .feature_map = FeatureMap::Relu, .causal = true});
  }
  check_linear_attention({.shape = {1, 2, 2, 31, 200, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true});
  check_linear_attention({.shape = {1, 2, 2, 129, 64, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true});
}

TEST(LinearAttention, CausalSegmentBoundaries) {
  // The causal scan has two levels: segments of 32 chunks (1024 rows when
  // tuned chunks are 32; 2048 on the 64-row baseline), then chunks within the
  // query's segment. Lengths around segment multiples, offsets (Nk − Nq) that
  // are not a multiple of it, keys before the first segment's (seen by every
  // query: one span of them, then several), rows that see no key, padded
  // batches and shared kv heads.
  for (int64_t n : {1023, 1024, 1025, 2049, 4100}) {
    check_linear_attention({.shape = {1, 1, 1, n, n, 8, 8}, .feature_map = FeatureMap::Elu1, .causal = true});
  }
  check_linear_attention({.shape = {1, 2, 2, 700, 2100, 16, 16}, .feature_map = FeatureMap::Relu, .causal = true});
  check_linear_attention({.shape = {1, 2, 2, 5, 5000, 16, 16}, .feature_map = FeatureMap::Elu1, .causal = true});
  check_linear_attention({.shape = {1, 2, 2, 2100, 1500, 16, 16}, .feature_map = FeatureMap::Elu1, .causal = true});
  check_linear_attention(
      {.shape = {2, 4, 2, 1100, 1100, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true, .kv_len = {900, 1100}});
}

TEST(LinearAttention, AnyHeadSize) {
  check_linear_attention({.shape = {1, 2, 2, 65, 65, 80, 80}, .feature_map = FeatureMap::Softmax});
  check_linear_attention({.shape = {1, 2, 2, 65, 65, 16, 40}, .feature_map = FeatureMap::Relu, .causal = true});
  // D = 1: with elu1 every row's output is nearly Σφ(k)v / Σφ(k), one sum per
  // value feature. With Dv = 1 that single sum sometimes nearly cancels, and
  // f32 cannot meet a relative budget on a near-zero result (about 1.5% of
  // random seeds); 8 value features make the error a norm over 8 sums.
  check_linear_attention({.shape = {1, 1, 1, 33, 33, 1, 8}, .feature_map = FeatureMap::Elu1});
}

TEST(LinearAttention, GroupedAndMultiQueryHeadsShareKeyValueHeads) {
  check_linear_attention({.shape = {2, 8, 2, 65, 65, 64, 64}, .feature_map = FeatureMap::Softmax});
  check_linear_attention({.shape = {1, 8, 2, 63, 100, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true});
  check_linear_attention({.shape = {2, 8, 1, 65, 65, 64, 64}, .feature_map = FeatureMap::Relu});
  check_linear_attention({.shape = {1, 4, 1, 100, 63, 32, 32}, .feature_map = FeatureMap::Relu, .causal = true});
  // Causal sums are per kv head: several segments of rows, and keys before
  // the first row's (Nk − Nq > 1024), shared by the heads of each group.
  check_linear_attention({.shape = {2, 4, 2, 1300, 2500, 64, 64}, .feature_map = FeatureMap::Elu1, .causal = true});
}

TEST(LinearAttention, StridedMemoryAndPaddedRows) {
  check_linear_attention(
      {.shape = {2, 4, 2, 65, 65, 64, 64}, .feature_map = FeatureMap::Softmax, .order = MemoryOrder::BNHD});
  check_linear_attention({.shape = {2, 4, 2, 33, 70, 48, 48},
                          .feature_map = FeatureMap::Elu1,
                          .causal = true,
                          .kv_len = {50, 70},
                          .order = MemoryOrder::BNHD,
                          .row_padding = 3});
}

TEST(LinearAttention, LongSequenceDoesNotDrift) {
  // N = 16384 keys summed in f32; per-chunk sums keep the rounding at the
  // f32 budget (B = H = 1 and a small D keep the quadratic reference fast).
  check_linear_attention({.shape = {1, 1, 1, 16384, 16384, 8, 8}, .feature_map = FeatureMap::Softmax});
  check_linear_attention({.shape = {1, 1, 1, 16384, 16384, 8, 8}, .feature_map = FeatureMap::Elu1, .causal = true});
  check_linear_attention({.shape = {1, 1, 1, 16384, 16384, 8, 8}, .feature_map = FeatureMap::Relu});
}

} // namespace
} // namespace attnforge::testing
