#include "sparse_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {

void check_sparse_attention(const SparseCase &sparse_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(sparse_case.describe() + ", " + random.replay_hint());
  reference::AttentionInputs inputs = make_sparse_inputs(sparse_case, random);
  const Expected expected{sparse_reference(sparse_case, inputs)};
  ExtraArguments extra{params_of(sparse_case)};
  const int64_t query_blocks = blocks_of(sparse_case.shape.queries, sparse_case.layout_block_size());
  if (sparse_case.layout) add_layout_arguments(*sparse_case.layout, query_blocks, extra.tensors);
  check_dispatched_and_every_variant("sparse", inputs, extra, expected, inspect);
}

} // namespace attnforge::testing
