// The runtime's layout helpers: a pattern's layout lists exactly the blocks
// holding an allowed pair, flags only blocks wholly allowed, and the checks
// accept what build_block_layout makes.
#include <gtest/gtest.h>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

void expect_exact_layout(const SparsePattern &pattern, int64_t queries, int64_t keys) {
  SCOPED_TRACE("Nq=" + std::to_string(queries) + " Nk=" + std::to_string(keys));
  const SparseCase sparse_case{.shape = {1, 1, 1, queries, keys, 1, 1}, .pattern = pattern};
  const std::vector<uint8_t> mask = dense_mask(sparse_case, 0);
  SparseCase without_causal = sparse_case;
  without_causal.pattern.causal = false;
  const std::vector<uint8_t> pattern_mask = dense_mask(without_causal, 0);
  const BlockLayout layout = build_block_layout(pattern, queries, keys, kDefaultBlockSize);
  const int64_t query_blocks = blocks_of(queries, kDefaultBlockSize);
  const int64_t key_blocks = blocks_of(keys, kDefaultBlockSize);
  ASSERT_EQ(layout.query_blocks(), query_blocks);
  for (int64_t qb = 0; qb < query_blocks; ++qb) {
    int64_t slot = 0;
    for (int64_t kb = 0; kb < key_blocks; ++kb) {
      bool any = false, all = true;
      for (int64_t i = qb * kDefaultBlockSize; i < std::min(queries, (qb + 1) * kDefaultBlockSize); ++i) {
        for (int64_t j = kb * kDefaultBlockSize; j < std::min(keys, (kb + 1) * kDefaultBlockSize); ++j) {
          any |= mask[i * keys + j] != 0;
          all &= pattern_mask[i * keys + j] != 0;
          EXPECT_EQ(pattern.allows(i, j, queries, keys), mask[i * keys + j] != 0) << i << ", " << j;
        }
      }
      const bool listed = slot < layout.counts[qb] && layout.indices[qb * layout.max_blocks + slot] == kb;
      EXPECT_EQ(listed, any) << "query block " << qb << ", key block " << kb;
      if (listed) {
        if (layout.full[qb * layout.max_blocks + slot]) {
          EXPECT_TRUE(all) << "flagged full: " << qb << ", " << kb;
        }
        ++slot;
      }
    }
    EXPECT_EQ(slot, layout.counts[qb]);
  }
  EXPECT_NO_THROW(validate_block_layout(layout.count_view(), layout.index_view(), layout.full_view(), queries,
                                        keys, kDefaultBlockSize));
}

TEST(SparseBlockLayout, ListsExactlyTheBlocksWithAnAllowedPair) {
  std::vector<SparsePattern> patterns;
  for (int64_t left : {-1, 0, 1, 70, 1000})
    for (int64_t right : {-1, 0, 5})
      for (bool causal : {false, true}) {
        SparsePattern pattern;
        pattern.window_left = left;
        pattern.window_right = right;
        pattern.causal = causal;
        if (left >= 0 || right >= 0) patterns.push_back(pattern);
      }
  for (int64_t stride : {1, 3, 64, 100, 1000})
    for (bool one_sided : {false, true}) {
      SparsePattern pattern;
      pattern.stride = stride;
      pattern.stride_one_sided = one_sided;
      pattern.causal = stride == 3;
      patterns.push_back(pattern);
    }
  for (int64_t count : {1, 65, 1000})
    for (bool causal : {false, true}) {
      SparsePattern pattern;
      pattern.num_global = count;
      pattern.causal = causal;
      pattern.window_left = count == 65 ? 3 : -1;
      patterns.push_back(pattern);
    }
  for (const SparsePattern &pattern : patterns) {
    SCOPED_TRACE(SparseCase{.pattern = pattern}.describe());
    expect_exact_layout(pattern, 200, 200);
    expect_exact_layout(pattern, 70, 300);
    expect_exact_layout(pattern, 300, 70);
  }
}

TEST(SparseBlockLayout, LocalWindowDensityFollowsTheWindow) {
  SparsePattern pattern;
  pattern.window_left = 256;
  pattern.window_right = 256;
  const BlockLayout layout = build_block_layout(pattern, 16384, 16384, kDefaultBlockSize);
  // Key blocks up to 4 away: δ spans ±(4·64 + 63) > 256 only from 5 away.
  EXPECT_NEAR(layout.density(), 9.0 / 256, 0.001);
  EXPECT_EQ(layout.max_blocks, 9);
}

TEST(SparseBlockLayout, PerRowStridedPairsLeaveOnlyTheOtherPartsBlocks) {
  // With the strided pairs left to the kernel's row path, the layout is the
  // one of the pattern without its strided part; a pattern with no other
  // part visits no block at all.
  SparsePattern strided_only;
  strided_only.stride = 100;
  const BlockLayout none = build_block_layout(strided_only, 1000, 700, kDefaultBlockSize, StridedPairs::PerRow);
  EXPECT_EQ(none.visited_blocks(), 0);
  EXPECT_GT(build_block_layout(strided_only, 1000, 700, kDefaultBlockSize).visited_blocks(), 0);

  SparsePattern mixed;
  mixed.window_left = 70;
  mixed.window_right = 5;
  mixed.num_global = 3;
  mixed.causal = true;
  SparsePattern without_stride = mixed;
  mixed.stride = 100;
  const BlockLayout per_row = build_block_layout(mixed, 1000, 700, kDefaultBlockSize, StridedPairs::PerRow);
  const BlockLayout expected = build_block_layout(without_stride, 1000, 700, kDefaultBlockSize);
  EXPECT_EQ(per_row.counts, expected.counts);
  EXPECT_EQ(per_row.indices, expected.indices);
  EXPECT_EQ(per_row.full, expected.full);
  EXPECT_LT(per_row.visited_blocks(), build_block_layout(mixed, 1000, 700, kDefaultBlockSize).visited_blocks());
}

TEST(SparseBlockLayout, PluginLayoutsLeaveStridesFromEightToNkToTheRowPath) {
  SparsePattern pattern;
  const auto where = [&](int64_t stride, int64_t keys) {
    pattern.stride = stride;
    return strided_pairs_of_built_layout(pattern, keys);
  };
  EXPECT_EQ(where(0, 100), StridedPairs::InBlocks);
  EXPECT_EQ(where(kStridedPerRowFrom - 1, 100), StridedPairs::InBlocks);
  EXPECT_EQ(where(kStridedPerRowFrom, 100), StridedPairs::PerRow);
  EXPECT_EQ(where(100, 100), StridedPairs::PerRow);
  // Past Nk a stride class holds at most one key, and the row path would keep
  // a state for each of its `stride` classes.
  EXPECT_EQ(where(101, 100), StridedPairs::InBlocks);
  EXPECT_EQ(where(int64_t{1} << 40, 100), StridedPairs::InBlocks);
}

TEST(SparseBlockLayout, RejectsBadPatternValues) {
  SparsePattern pattern;
  pattern.window_left = -2;
  EXPECT_THROW(build_block_layout(pattern, 10, 10, 64), Error);
  pattern = {};
  pattern.stride = -1;
  EXPECT_THROW(build_block_layout(pattern, 10, 10, 64), Error);
  EXPECT_THROW(build_block_layout({}, 10, 10, 0), Error);
}

} // namespace
} // namespace attnforge::testing
