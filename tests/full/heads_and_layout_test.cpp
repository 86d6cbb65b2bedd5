// Query heads share key/value heads (GQA, MQA), and any strides work: the
// [B, N, H, D] memory layout and padded rows.
#include <gtest/gtest.h>

#include "full_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(FullAttention, GroupedQueryHeadsShareKeyValueHeads) {
  check_full_attention({.shape = {2, 8, 2, 65, 65, 64, 64}});
  check_full_attention({.shape = {1, 8, 2, 63, 100, 128, 128}, .causal = true});
}

TEST(FullAttention, MultiQueryHeadsShareOneKeyValueHead) {
  check_full_attention({.shape = {2, 8, 1, 65, 65, 64, 64}});
  check_full_attention({.shape = {1, 8, 1, 100, 63, 80, 80}, .causal = true});
}

TEST(FullAttention, SequenceMajorMemoryLayout) {
  check_full_attention({.shape = {2, 4, 4, 65, 65, 64, 64}, .order = MemoryOrder::BNHD});
  check_full_attention({.shape = {2, 8, 2, 33, 70, 128, 128},
                        .causal = true,
                        .kv_len = {50, 70},
                        .order = MemoryOrder::BNHD});
}

TEST(FullAttention, PaddedRowsAreNeitherReadNorWritten) {
  // Padding holds NaN: reading it poisons the output, writing it is caught.
  check_full_attention({.shape = {1, 2, 2, 65, 65, 64, 64}, .row_padding = 3});
  check_full_attention(
      {.shape = {2, 4, 2, 33, 47, 80, 48}, .causal = true, .order = MemoryOrder::BNHD, .row_padding = 5});
}

} // namespace
} // namespace attnforge::testing
