// The named stages of the linear-attention algorithm, handed from the
// generator (which defines them) to a target's schedule (which places them).
// The schedule needs the names, never the formulas.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

struct LinearAttentionStages {
  // Pure variables: feature, value feature, query, key, key within a chunk,
  // chunk, query head, kv head, batch.
  Halide::Var d{"d"}, dv{"dv"}, i{"i"}, j{"j"}, r{"r"}, c{"c"}, h{"h"}, g{"g"}, b{"b"};
  // Reductions: over the D features, over all keys (softmax statistics of k),
  // over the keys of one chunk, and over chunks (sum or prefix scan).
  Halide::RVar over_features_max, over_features_sum, over_keys_max, over_keys_sum,
      over_chunk_keys_context, over_chunk_keys_sum, over_causal_chunk_keys_context,
      over_causal_chunk_keys_sum, over_chunks_context, over_chunks_sum,
      over_prefix_context, over_prefix_sum, over_features_numerator, over_features_normaliser,
      over_features_prefix, over_features_prefix_sum, over_features_scores, over_chunk_keys_numerator,
      over_chunk_keys_normaliser;

  // Feature maps.
  Halide::Func query_max{"query_max"};         // max_d q, (i, h, b)          (softmax φ)
  Halide::Func query_exp_sum{"query_exp_sum"}; // Σ_d exp(q − max), (i, h, b) (softmax φ)
  Halide::Func key_max{"key_max"};             // max over visible keys, (d, g, b)
  Halide::Func key_exp_sum{"key_exp_sum"};     // Σ over visible keys exp(k − max), (d, g, b)
  Halide::Func features_q{"features_q"};       // φ(q), (d, i, h, b)
  Halide::Func features_k{"features_k"};       // φ(k), 0 for masked keys, (d, j, g, b)

  // Non-causal: per-chunk sums, then their total per kv head.
  Halide::Func chunk_context{"chunk_context"}; // Σ_chunk φ(k)⊗v, (dv, d, c, g, b)
  Halide::Func chunk_key_sum{"chunk_key_sum"}; // Σ_chunk φ(k), (d, c, g, b)
  Halide::Func context{"context"};             // φ(K)ᵀV, (dv, d, g, b)
  Halide::Func key_sum{"key_sum"};             // Σφ(K), (d, g, b)
  Halide::Func numerator{"numerator"};         // φ(q)ᵀ context, (dv, i, h, b)
  Halide::Func normaliser{"normaliser"};       // φ(q)ᵀ key_sum + eps, (i, h, b)

  // Causal: the same per-chunk sums, scanned into exclusive prefixes, plus an
  // exact quadratic part within the query's own chunk.
  Halide::Func causal_chunk_context{"causal_chunk_context"}; // (dv, d, c, h, b)
  Halide::Func causal_chunk_key_sum{"causal_chunk_key_sum"}; // (d, c, h, b)
  Halide::Func prefix_context{"prefix_context"};             // Σ_{chunks < c} φ(k)⊗v, (dv, d, c, h, b)
  Halide::Func prefix_key_sum{"prefix_key_sum"};             // Σ_{chunks < c} φ(k), (d, c, h, b)
  Halide::Func chunk_scores{"chunk_scores"};                 // φ(q)·φ(k) in the query's chunk, (r, i, h, b)
  Halide::Func causal_numerator{"causal_numerator"};         // (dv, i, h, b)
  Halide::Func causal_normaliser{"causal_normaliser"};       // (i, h, b)

  Halide::Func out; // (dv, i, h, b)

  // Runtime switches between the two paths and the three feature maps; the
  // schedule specialises on them.
  Halide::Expr causal, feature_map;
  // True when q, k, v and out all have unit stride along features.
  Halide::Expr dense_features;

  int head_dim = 0;  // 0: any; else D is this constant
  int value_dim = 0; // likewise Dv
  int keys_per_chunk = 0;
};

} // namespace attnforge::schedules
