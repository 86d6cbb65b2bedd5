// The reference for the `linear` kernel: linear attention computed from its
// definition, pair by pair (the quadratic form), in double.
#pragma once

#include "attnforge/reference/double_tensor.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::reference {

enum class FeatureMap { Softmax = 0, Elu1 = 1, Relu = 2 };  // the kernel's feature_map values

struct LinearAttentionOptions {
  FeatureMap feature_map = FeatureMap::Softmax;
  bool causal = false;   // query i sees keys j <= i + Nk - Nq; elu1 and relu only
  double eps = 1e-6;     // added to the elu1/relu normaliser
  TensorView kv_len{};   // i32 [B], keys j < kv_len[b]; absent: all Nk
  TensorView key_mask{}; // u8 [B, Nk], keys with a nonzero byte; absent: all
};

// out[b,h,i] = Σ_j w_ij v[b,g,j] (softmax) or Σ_j w_ij v[b,g,j] / (Σ_j w_ij + eps)
// (elu1, relu), with w_ij = φ(q_i)·φ(k_j) over the keys query i may see;
// softmax: φ(q) = softmax over features, φ(k) = softmax over the visible keys.
// Throws std::invalid_argument for softmax with causal (undefined).
DoubleTensor linear_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                              const LinearAttentionOptions &options = {});

} // namespace attnforge::reference
