// Full attention matches the reference at sizes no tile divides, with more
// keys than queries and the reverse, and at every head size.
#include <gtest/gtest.h>

#include "full_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(FullAttention, SingleQueryAndSingleKey) {
  check_full_attention({.shape = {1, 2, 2, 1, 1, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 1, 1, 64, 64}, .causal = true});
}

TEST(FullAttention, SequenceLengthsThatNoTileDivides) {
  for (int64_t length : {7, 63, 65, 257}) {
    check_full_attention({.shape = {2, 2, 2, length, length, 64, 64}});
    check_full_attention({.shape = {2, 2, 2, length, length, 64, 64}, .causal = true});
  }
}

TEST(FullAttention, ThousandTokenSequence) {
  check_full_attention({.shape = {1, 2, 2, 1000, 1000, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 1000, 1000, 64, 64}, .causal = true});
}

TEST(FullAttention, MoreKeysThanQueries) {
  check_full_attention({.shape = {1, 2, 2, 1, 257, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 65, 257, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 7, 1000, 64, 64}, .causal = true});
}

TEST(FullAttention, MoreQueriesThanKeys) {
  check_full_attention({.shape = {1, 2, 2, 257, 1, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 257, 63, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 1000, 65, 64, 64}});
}

TEST(FullAttention, EveryHeadDim) {
  for (int64_t dim : {32, 64, 80, 128}) {
    check_full_attention({.shape = {1, 2, 2, 65, 65, dim, dim}});
    check_full_attention({.shape = {1, 2, 2, 63, 129, dim, dim}, .causal = true});
  }
}

// Each q·k sum starts from the first feature's product: with D = 1 nothing is
// left to add, on the short path, the causal one and k's panels.
TEST(FullAttention, OneFeatureHeads) {
  check_full_attention({.shape = {1, 2, 2, 65, 65, 1, 16}});
  check_full_attention({.shape = {1, 2, 2, 63, 129, 1, 3}, .causal = true});
  check_full_attention({.shape = {1, 2, 1, 2049, 130, 1, 64}});
}

TEST(FullAttention, ValueDimDiffersFromHeadDim) {
  check_full_attention({.shape = {1, 2, 2, 65, 65, 64, 32}});
  check_full_attention({.shape = {1, 2, 2, 65, 65, 32, 80}, .causal = true});
  check_full_attention({.shape = {1, 2, 2, 33, 70, 128, 64}});
  check_full_attention({.shape = {1, 2, 2, 33, 70, 16, 1}});
}

// From 2048 query rows on (queries_for_key_panels), calls read k regrouped
// into panels: keys that fill whole tiles, a ragged last panel and tile, GQA,
// the sequence-major layout and a value size that fills no whole vector, on
// the path that visits every tile and on the one that skips hidden tiles
// (causal, kv_len shorter than Nk). The first path's calls have Nk over one
// of its 256-key AVX-512 tiles, which its tiles pad no more than the other
// path's: shorter ones take the tile-skipping path.
TEST(FullAttention, LongQuerySequencesReadKeysInPanels) {
  check_full_attention({.shape = {1, 4, 2, 2048, 512, 64, 64}});
  check_full_attention({.shape = {2, 2, 1, 2049, 459, 64, 64}});
  check_full_attention({.shape = {1, 2, 2, 2100, 400, 80, 20}, .order = MemoryOrder::BNHD});
  check_full_attention({.shape = {1, 4, 2, 2048, 2048, 64, 64}, .causal = true});
  check_full_attention({.shape = {2, 2, 1, 2049, 2100, 64, 64}, .causal = true, .kv_len = {1999, 7}});
  check_full_attention({.shape = {1, 2, 2, 2100, 300, 80, 20}, .kv_len = {257}, .order = MemoryOrder::BNHD});
}

TEST(FullAttention, BatchesAreIndependent) {
  check_full_attention({.shape = {3, 2, 2, 33, 47, 64, 64}, .causal = true});
}

} // namespace
} // namespace attnforge::testing
