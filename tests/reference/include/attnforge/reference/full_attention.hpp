// The reference for the `full` kernel: softmax attention under the key-length
// and bottom-right causal masks.
#pragma once

#include <cmath>
#include <cstdint>

#include "attnforge/reference/double_tensor.hpp"
#include "attnforge/reference/softmax_attention.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::reference {

struct FullAttentionOptions {
  double scale = std::nan("");  // NaN: 1/sqrt(D)
  bool causal = false;          // query i sees keys j <= i + Nk - Nq
  TensorView kv_len{};          // i32 [B], keys j < kv_len[b]; absent: all Nk
};

// The mask `full` applies: j < kv_len[b] and, when causal, j <= i + Nk - Nq.
// Copies kv_len, so the view need not outlive the predicate. Sparse
// attention intersects its pattern with this.
AllowedFn full_attention_mask(const FullAttentionOptions &options, int64_t batch,
                              int64_t queries, int64_t keys);

DoubleTensor full_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                            const FullAttentionOptions &options = {});

} // namespace attnforge::reference
