// Run-time block layouts: caller-chosen lists of key blocks per query block
// (empty rows, full rows, random subsets), alone or intersected with a
// pattern, with and without the full-block flags, for every block size built.
#include <gtest/gtest.h>

#include <algorithm>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

// Row 0 empty, row 1 every key block, the rest random subsets; random full
// flags when `flags` is set.
ExplicitLayout random_layout(int64_t queries, int64_t keys, int64_t block_size, bool flags,
                             reference::Random &random) {
  const int64_t query_blocks = blocks_of(queries, block_size);
  const int64_t key_blocks = blocks_of(keys, block_size);
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

// `without_layout` with a random layout for each block size built, passed
// with that block_size, so the check runs the variants built for it.
void check_random_layouts(const SparseCase &without_layout, bool flags, const Inspect &inspect = {}) {
  for (int64_t block_size : kBuiltBlockSizes) {
    reference::Random random;
    SCOPED_TRACE("block_size " + std::to_string(block_size) + ", layout " + random.replay_hint());
    SparseCase sparse_case = without_layout;
    sparse_case.block_size = block_size;
    sparse_case.layout = random_layout(sparse_case.shape.queries, sparse_case.shape.keys, block_size, flags, random);
    check_sparse_attention(sparse_case, inspect);
  }
}

TEST(SparseLayouts, RandomLayoutsWithEmptyAndFullRows) {
  const SparseCase no_pattern{.shape = {2, 2, 2, 300, 260, 64, 64}, .pattern = {}};
  check_random_layouts(no_pattern, false, [](const reference::AttentionInputs &inputs, const std::string &variant) {
    const int64_t block_size = variant.find(":b128:") != std::string::npos ? 128 : 64;
    for (int64_t i = 0; i < block_size; ++i) expect_zero_row(inputs, 1, 1, i); // row 0 lists nothing
  });
}

TEST(SparseLayouts, LayoutIntersectsThePattern) {
  check_random_layouts(
      {.shape = {1, 4, 2, 257, 257, 64, 64}, .pattern = {.window_left = 40, .stride = 9, .causal = true}}, false);
}

TEST(SparseLayouts, FullBlocksSkipThePatternButNotCausal) {
  check_random_layouts(
      {.shape = {1, 2, 2, 200, 200, 64, 64}, .pattern = {.num_global = 2, .causal = true}, .kv_len = {180}}, true);
}

TEST(SparseLayouts, RaggedBlocksWithMoreQueriesThanKeysAndFewer) {
  check_random_layouts(
      {.shape = {1, 2, 1, 1000, 700, 64, 64}, .pattern = {.window_left = 100, .window_right = 30, .causal = true}},
      true);
  check_random_layouts({.shape = {1, 2, 2, 130, 257, 40, 24}, .pattern = {}}, false);
}

TEST(SparseLayouts, LayoutBuiltFromThePatternGivesThePatternsResult) {
  // Passing the helper's layout explicitly must change nothing.
  SparsePattern pattern;
  pattern.window_left = 30;
  pattern.window_right = 2;
  pattern.stride = 50;
  pattern.num_global = 1;
  for (int64_t block_size : kBuiltBlockSizes) {
    const BlockLayout built = build_block_layout(pattern, 190, 190, block_size);
    ExplicitLayout layout{built.counts, built.max_blocks, built.indices, built.full};
    check_sparse_attention(
        {.shape = {1, 2, 2, 190, 190, 64, 64}, .pattern = pattern, .layout = layout, .block_size = block_size});
  }
}

} // namespace
} // namespace attnforge::testing
