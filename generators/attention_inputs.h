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

// True when q, k, v and out all have unit stride along features: the common
// case, which schedules give code of its own (dense vector loads, no gathers).
template <typename Q, typename K, typename V, typename O>
Halide::Expr dense_features(const Q &q, const K &k, const V &v, const O &out) {
  return q.dim(0).stride() == 1 && k.dim(0).stride() == 1 && v.dim(0).stride() == 1 && out.dim(0).stride() == 1;
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

// log2(e): softmax kernels take their logits in base 2, scale·log2(e)·q·k,
// so that a weight is 2^(logit − max), with no multiply inside the exp.
inline constexpr float kLog2E = 1.44269504f;

// 2^t for arguments ≤ 0, as softmax only needs, in 11 vector instructions
// (Halide's fast_exp takes about 20: a split floor, clamps and an even/odd
// polynomial). With t = n + f, n = trunc(t) ≤ 0 and f in (−1, 0]:
// 2^t = 2^n · 2^f, 2^f by a degree-5 polynomial (fitted here on [−1, 0]:
// relative error 2.9e-7, exactly 1 at 0) and 2^n added straight into the
// exponent bits.
// Arguments are clamped at −115, where 2^t is 2.4e-35: zero for any sum it
// joins, and n ≥ −115 keeps the result a normal float. A positive argument
// (in a select's other branch) gives garbage that the select discards.
inline Halide::Expr exp2_nonpositive(const Halide::Expr &t) {
  using Halide::Expr;
  Expr clamped = Halide::max(t, -115.0f);
  Expr n = Halide::cast<int32_t>(clamped); // truncates toward 0: n ≥ t
  Expr f = clamped - Halide::cast<float>(n);
  Expr two_to_f = 0.000943510851f; // Horner's rule, highest power first
  for (float coefficient : {0.00920217671f, 0.0552940406f, 0.240178898f, 0.693143547f, 1.0f}) {
    two_to_f = two_to_f * f + coefficient;
  }
  return Halide::reinterpret<float>(Halide::reinterpret<int32_t>(two_to_f) + (n << 23));
}

// e^x for arguments ≤ 0 (linear attention's feature maps).
inline Halide::Expr exp_nonpositive(const Halide::Expr &x) { return exp2_nonpositive(x * kLog2E); }

} // namespace attnforge::generators
