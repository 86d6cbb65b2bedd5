// Softmax attention computed literally, in double, under any mask: the one
// definition full and sparse attention are both checked against.
//
//   scores[j]  = scale · Σ_d q[b,h,i,d] · k[b,g,j,d]     for allowed j
//   weights[j] = exp(scores[j] − max_j scores) / Σ_j exp(scores[j] − max)
//   out[b,h,i] = Σ_j weights[j] · v[b,g,j,:]             (0 when no j is allowed)
//
// with g = h / (Hq / Hkv), the kv head that query head h shares (GQA, MQA).
#pragma once

#include <cstdint>
#include <functional>

#include "attnforge/reference/double_tensor.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::reference {

// Whether query i of head h (a query head) in batch b may attend to key j.
using AllowedFn = std::function<bool(int64_t b, int64_t h, int64_t i, int64_t j)>;

// q [B, Hq, Nq, D], k [B, Hkv, Nk, D], v [B, Hkv, Nk, Dv], host f32, any
// strides; result [B, Hq, Nq, Dv]. A NaN scale means 1/sqrt(D). Throws
// std::invalid_argument when the shapes disagree. Runs on every core.
DoubleTensor softmax_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                               double scale, const AllowedFn &allowed);

} // namespace attnforge::reference
