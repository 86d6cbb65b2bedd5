// The named stages of the linear-attention algorithm, handed from the
// generator (which defines them) to a target's schedule (which places them).
// The schedule needs the names, never the formulas.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

struct LinearAttentionStages {
  // Pure variables: feature, value feature, query, key, key within a chunk,
  // chunk (within a segment, for the scan), key tile, segment, query head,
  // kv head, batch.
  Halide::Var d{"d"}, dv{"dv"}, i{"i"}, j{"j"}, r{"r"}, c{"c"}, key_tile{"key_tile"}, segment{"segment"},
      h{"h"}, g{"g"}, b{"b"};
  // Reductions, named after what they run over.
  Halide::RVar over_features_max, over_keys_max, over_tile_keys_context, over_tile_keys_sum, over_tiles,
      over_features_numerator, over_features_normaliser, over_segment_keys_context, over_segment_keys_sum,
      over_segments_context, over_segments_sum, over_chunk_keys_context, over_chunk_keys_sum, over_chunks_context,
      over_chunks_sum, over_features_prefix, over_features_prefix_sum, over_features_scores,
      over_chunk_keys_numerator, over_chunk_keys_normaliser;

  // Query side, both paths.
  Halide::Func query_max{"query_max"};   // max_d q, (i, h, b)                    (softmax φ)
  Halide::Func features_q{"features_q"}; // φ(q) up to softmax's row sum, (d, i, h, b)

  // Non-causal: softmax's key max, then sums tile by tile.
  Halide::Func key_max{"key_max"};           // max over visible keys (softmax), else 0, (d, g, b)
  Halide::Func features_k{"features_k"};     // φ(k) (softmax: exp(k − max)), 0 if masked, (d, j, g, b)
  Halide::Func tile_context{"tile_context"}; // Σ_tile φ(k)⊗v, (dv, d, t, g, b)
  Halide::Func tile_key_sum{"tile_key_sum"}; // Σ_tile φ(k), (d, t, g, b)
  Halide::Func context_sum{"context_sum"};   // Σ_tiles, (dv, d, g, b)
  Halide::Func key_sum{"key_sum"};           // Σφ(K), (d, g, b)
  Halide::Func context{"context"};           // φ(K)ᵀV, softmax's normalised, (dv, d, g, b)
  Halide::Func numerator{"numerator"};       // φ(q)ᵀ context, (dv, i, h, b)
  Halide::Func normaliser{"normaliser"};     // softmax: Σ_d φ(q); else φ(q)ᵀ key_sum + eps, (i, h, b)
  Halide::Func inverse_normaliser{"inverse_normaliser"}; // (i, h, b)

  // Causal: two-level prefix sums (segments, then chunks within the query's
  // segment) plus an exact quadratic part within the query's own chunk. The
  // sums are per kv head g, shared by its query heads; σ < 0 are the spans of
  // keys before the first row's.
  Halide::Func causal_features_k{"causal_features_k"};           // φ(k), 0 if masked, (d, j, g, b)
  Halide::Func segment_context{"segment_context"};               // Σ_segment φ(k)⊗v, (dv, d, σ, g, b)
  Halide::Func segment_key_sum{"segment_key_sum"};               // Σ_segment φ(k), (d, σ, g, b)
  Halide::Func segment_prefix_context{"segment_prefix_context"}; // Σ_{segments < σ}, (dv, d, σ, g, b)
  Halide::Func segment_prefix_key_sum{"segment_prefix_key_sum"}; // (d, σ, g, b)
  Halide::Func chunk_context{"chunk_context"};                   // Σ_chunk φ(k)⊗v, (dv, d, c, g, b)
  Halide::Func chunk_key_sum{"chunk_key_sum"};                   // Σ_chunk φ(k), (d, c, g, b)
  Halide::Func prefix_context{"prefix_context"};  // Σ over keys before chunk c of segment σ, (dv, d, c, σ, g, b)
  Halide::Func prefix_key_sum{"prefix_key_sum"};  // (d, c, σ, g, b)
  Halide::Func chunk_scores{"chunk_scores"};      // φ(q)·φ(k) in the query's chunk, (r, i, h, b)
  Halide::Func causal_numerator{"causal_numerator"};                   // (dv, i, h, b)
  Halide::Func causal_normaliser{"causal_normaliser"};                 // (i, h, b)
  Halide::Func causal_inverse_normaliser{"causal_inverse_normaliser"}; // (i, h, b)

  Halide::Func out; // (dv, i, h, b)

  // Runtime switches between the two paths and the three feature maps; the
  // schedule specialises on them.
  Halide::Expr causal, feature_map;
  // True when q, k, v and out all have unit stride along features.
  Halide::Expr dense_features;
  // Hq / Hkv: the query heads that share one kv head's φ(K)ᵀV.
  Halide::Expr heads_per_kv_head;

  int head_dim = 0;  // 0: any; else D is this constant
  int value_dim = 0; // likewise Dv
  int keys_per_tile = 0;
  int keys_per_chunk = 0;
  int chunks_per_segment = 0;
};

} // namespace attnforge::schedules
