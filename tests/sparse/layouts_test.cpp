// Run-time block layouts: caller-chosen lists of key blocks per query block
// (empty rows, full rows, random subsets), alone or intersected with a
// pattern, with and without the full-block flags.
#include <gtest/gtest.h>

#include <algorithm>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

// Row 0 empty, row 1 every key block, the rest random subsets; random full
// flags when `flags` is set.
ExplicitLayout random_layout(int64_t queries, int64_t keys, bool flags, reference::Random &random) {
  const int64_t query_blocks = (queries + kBlockSize - 1) / kBlockSize;
  const int64_t key_blocks = (keys + kBlockSize - 1) / kBlockSize;
  ExplicitLayout layout;
  layout.max_blocks = key_blocks + 1; // one spare slot, which the kernel must ignore
  layout.counts.assign(query_blocks, 0);
  layout.indices.assign(query_blocks * layout.max_blocks, -7); // garbage in unused slots
  if (flags) layout.full.assign(query_blocks * layout.max_blocks, 0);
  for (int64_t qb = 0; qb < query_blocks; ++qb) {
    std::vector<int32_t> chosen;
    for (int32_t kb = 0; kb < key_blocks; ++kb) {
      const bool take = qb == 0 ? false : qb == 1 ? true : random.integer(0, 1) == 1;
      if (take) chosen.push_back(kb);
    }
    layout.counts[qb] = static_cast<int32_t>(chosen.size());
    for (size_t slot = 0; slot < chosen.size(); ++slot) {
      layout.indices[qb * layout.max_blocks + slot] = chosen[slot];
      if (flags) layout.full[qb * layout.max_blocks + slot] = static_cast<uint8_t>(random.integer(0, 1));
    }
  }
  return layout;
}

TEST(SparseLayouts, RandomLayoutsWithEmptyAndFullRows) {
  reference::Random random;
  SCOPED_TRACE(random.replay_hint());
  const AttentionShape shape{2, 2, 2, 300, 260, 64, 64};
  const SparseCase sparse_case{.shape = shape, .layout = random_layout(300, 260, false, random)};
  check_sparse_attention(sparse_case, [](const reference::AttentionInputs &inputs, const std::string &) {
    for (int64_t i = 0; i < kBlockSize; ++i) expect_zero_row(inputs, 1, 1, i); // row 0 lists nothing
  });
}

TEST(SparseLayouts, LayoutIntersectsThePattern) {
  reference::Random random;
  SCOPED_TRACE(random.replay_hint());
  SparsePattern pattern;
  pattern.window_left = 40;
  pattern.stride = 9;
  pattern.causal = true;
  check_sparse_attention({.shape = {1, 4, 2, 257, 257, 64, 64},
                          .pattern = pattern,
                          .layout = random_layout(257, 257, false, random)});
}

TEST(SparseLayouts, FullBlocksSkipThePatternButNotCausal) {
  reference::Random random;
  SCOPED_TRACE(random.replay_hint());
  SparsePattern pattern;
  pattern.num_global = 2;
  pattern.causal = true;
  check_sparse_attention({.shape = {1, 2, 2, 200, 200, 64, 64},
                          .pattern = pattern,
                          .kv_len = {180},
                          .layout = random_layout(200, 200, true, random)});
}

TEST(SparseLayouts, LayoutBuiltFromThePatternGivesThePatternsResult) {
  // Passing the helper's layout explicitly must change nothing.
  SparsePattern pattern;
  pattern.window_left = 30;
  pattern.window_right = 2;
  pattern.stride = 50;
  pattern.num_global = 1;
  const BlockLayout built = build_block_layout(pattern, 190, 190, kBlockSize);
  ExplicitLayout layout{built.counts, built.max_blocks, built.indices, built.full};
  check_sparse_attention({.shape = {1, 2, 2, 190, 190, 64, 64}, .pattern = pattern, .layout = layout});
}

} // namespace
} // namespace attnforge::testing
