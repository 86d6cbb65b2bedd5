// What every attention generator knows about its q, k, v and out buffers:
// their sizes under the names the maths uses, and the promises a
// head-size-specialised variant makes about them.
#pragma once

#include "Halide.h"

namespace attnforge::generators {

// Sizes of q (d, i, h, b), k (d, j, g, b), v (dv, j, g, b), innermost first.
struct AttentionShape {
  Halide::Expr features, value_features, queries, keys, query_heads, kv_heads;
};

template <typename Q, typename K, typename V>
AttentionShape attention_shape(const Q &q, const K &k, const V &v) {
  return {q.dim(0).extent(), v.dim(0).extent(), q.dim(1).extent(),
          k.dim(1).extent(), q.dim(2).extent(), k.dim(2).extent()};
}

// Lets every buffer take any strides (so [B, N, H, D] memory works), and pins
// D and Dv to constants in specialised variants so their loops unroll.
template <typename Q, typename K, typename V, typename O>
void constrain_head_sizes(Q &q, K &k, V &v, O &out, int head_dim, int value_dim) {
  q.dim(0).set_stride(Halide::Expr());
  k.dim(0).set_stride(Halide::Expr());
  v.dim(0).set_stride(Halide::Expr());
  out.dim(0).set_stride(Halide::Expr());
  if (head_dim > 0) {
    q.dim(0).set_bounds(0, head_dim);
    k.dim(0).set_bounds(0, head_dim);
  }
  if (value_dim > 0) {
    v.dim(0).set_bounds(0, value_dim);
    out.dim(0).set_bounds(0, value_dim);
  }
}

// exp for arguments ≤ 0, as softmax only needs. fast_exp is accurate to a few
// ulps but returns nonsense on underflow, so arguments are clamped at −80,
// where exp is 1.8e-35: zero for any sum it joins, and still a normal float.
inline Halide::Expr exp_nonpositive(const Halide::Expr &x) {
  return Halide::fast_exp(Halide::max(x, -80.0f));
}

} // namespace attnforge::generators
