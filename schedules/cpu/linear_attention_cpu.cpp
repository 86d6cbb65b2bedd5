// Linear attention on a multicore x86 CPU.
//
// Loop nest, outermost first:
//   non-causal, before the queries: per kv head (parallel over heads),
//     chunk by chunk: φ(k) of the chunk (in L1), its φ(k)⊗v accumulated in
//     `feature_block` × Dv registers, added into context (D×Dv, in L1/L2);
//   b, h (parallel): causal only: φ(k) of the head stored keys-innermost, then
//     the prefix scan over chunks, each chunk's φ(k)⊗v computed just before
//     it is added (one D×Dv state per chunk: n_chunks·D·Dv floats per head);
//   query tile (parallel): φ(q) of the tile, then `row_block` rows × all of
//     Dv in registers for φ(q)ᵀcontext (and, causal, the tile's scores against
//     its own chunk: rows × chunk keys in registers).
// The loop nest is specialised on causal, so each call runs only its path's
// stages, and on unit feature strides, so dense calls use vector loads.
#include "cpu/linear_attention_cpu.h"

#include <utility>

namespace attnforge::schedules {

using namespace Halide;

namespace {

// acc(dv, x) += a(x-ish) · b(dv): `rows` values of x × all of dv in registers.
void block_rows_by_values(Stage update, const Var &dv, const VarOrRVar &x, const VarOrRVar &over, int rows,
                          int vector, bool unroll_values) {
  Var xo("xo"), xi("xi"), dvo("dvo"), dvi("dvi");
  update.split(x, xo, xi, rows, TailStrategy::GuardWithIf)
      .split(dv, dvo, dvi, vector, TailStrategy::GuardWithIf)
      .reorder(dvi, dvo, xi, over, xo)
      .vectorize(dvi)
      .unroll(xi);
  if (unroll_values) update.unroll(dvo);
}

// One copy of a stage per feature map: a select over the maps would
// evaluate all three (softmax's exp and division included) for every element.
template <typename Scheduled>
void specialize_feature_maps(Scheduled stage, const Expr &feature_map) {
  stage.specialize(feature_map == 1);
  stage.specialize(feature_map == 2);
}

// A scalar reduction over a short contiguous range: in vector lanes, then
// added across lanes.
void reduce_in_lanes(Stage update, const RVar &over, int vector) {
  update.atomic().vectorize(over, vector, TailStrategy::GuardWithIf);
}

} // namespace

void schedule_linear_attention_cpu(LinearAttentionStages &s, const LinearAttentionCpuTunables &tunables,
                                   const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int rows = tunables.row_block;
  const int features = tunables.feature_block;
  const int query_tile = tunables.query_tile;
  const bool fixed_values = s.value_dim > 0;
  Var io("io"), ii("ii"), hb("hb"), jo("jo"), ji("ji");

  s.out.compute_root()
      .split(s.i, io, ii, query_tile, TailStrategy::GuardWithIf)
      .fuse(s.h, s.b, hb)
      .reorder(s.dv, ii, io, hb)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(hb)
      .parallel(io);
  // causal is a plain bool input, so Halide drops the other path's stages
  // from each branch; dense strides get vector loads instead of gathers.
  s.out.specialize(s.causal).specialize(s.dense_features);
  s.out.specialize(s.dense_features);

  // Softmax statistics: per kv head, reduced over keys with features in lanes.
  const std::pair<Func, RVar> key_statistics[] = {{s.key_max, s.over_keys_max}, {s.key_exp_sum, s.over_keys_sum}};
  for (auto [statistic, over_keys] : key_statistics) {
    statistic.compute_root().vectorize(s.d, vector, TailStrategy::GuardWithIf).parallel(s.b);
    statistic.update()
        .reorder(s.d, over_keys, s.g, s.b)
        .vectorize(s.d, vector, TailStrategy::GuardWithIf)
        .parallel(s.g)
        .specialize(s.dense_features);
  }

  // Non-causal context and key sum, chunk by chunk.
  s.context.compute_root().vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.context.update()
      .reorder(s.dv, s.d, s.over_chunks_context, s.g, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(s.g)
      .parallel(s.b);
  // Root stages sit outside out's specialisations: each needs its own, or
  // loads of k and v along features become gathers.
  s.context.update().specialize(s.dense_features);
  s.chunk_context.compute_at(s.context, s.over_chunks_context).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.chunk_context.update(), s.dv, s.d, s.over_chunk_keys_context, features, vector,
                       fixed_values);
  Func chunk_features = s.features_k.in(s.chunk_context);
  chunk_features.compute_at(s.context, s.over_chunks_context).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  specialize_feature_maps(chunk_features, s.feature_map);

  s.key_sum.compute_root().vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.key_sum.update()
      .reorder(s.d, s.over_chunks_sum, s.g, s.b)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf)
      .parallel(s.g)
      .parallel(s.b)
      .specialize(s.dense_features);
  s.chunk_key_sum.compute_at(s.key_sum, s.over_chunks_sum).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.chunk_key_sum.update()
      .reorder(s.d, s.over_chunk_keys_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);
  specialize_feature_maps(s.chunk_key_sum.update(), s.feature_map);

  // Causal state per head: φ(k) keys-innermost (so the in-chunk scores load
  // whole vectors of keys), then the exclusive prefix scan over chunks.
  Func causal_features = s.features_k.in({s.causal_chunk_context, s.causal_chunk_key_sum, s.chunk_scores});
  // Transposing walks k across rows: a block of keys × all features at a
  // time keeps those rows in L1 (a whole-sequence sweep per feature thrashed).
  causal_features.compute_at(s.out, hb)
      .reorder_storage(s.j, s.d)
      .split(s.j, jo, ji, 4 * vector, TailStrategy::GuardWithIf)
      .reorder(ji, s.d, jo)
      .vectorize(ji, vector, TailStrategy::GuardWithIf);
  specialize_feature_maps(causal_features, s.feature_map);
  s.prefix_context.compute_at(s.out, hb).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.prefix_context.update()
      .reorder(s.dv, s.d, s.over_prefix_context)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.causal_chunk_context.compute_at(s.prefix_context, s.over_prefix_context)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.causal_chunk_context.update(), s.dv, s.d, s.over_causal_chunk_keys_context, features,
                       vector, fixed_values);
  s.prefix_key_sum.compute_at(s.out, hb).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.prefix_key_sum.update()
      .reorder(s.d, s.over_prefix_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.causal_chunk_key_sum.compute_at(s.prefix_key_sum, s.over_prefix_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.causal_chunk_key_sum.update()
      .reorder(s.d, s.over_causal_chunk_keys_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);

  // Query side, per query tile: φ(q), then register-blocked contractions.
  s.query_max.compute_at(s.out, io);
  reduce_in_lanes(s.query_max.update(), s.over_features_max, vector);
  s.query_exp_sum.compute_at(s.out, io);
  reduce_in_lanes(s.query_exp_sum.update(), s.over_features_sum, vector);
  s.features_q.compute_at(s.out, io).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  specialize_feature_maps(s.features_q, s.feature_map);

  s.numerator.compute_at(s.out, io).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.numerator.update(), s.dv, s.i, s.over_features_numerator, rows, vector, fixed_values);
  s.normaliser.compute_at(s.out, io);
  reduce_in_lanes(s.normaliser.update(), s.over_features_normaliser, vector);

  s.chunk_scores.compute_at(s.out, io).vectorize(s.r, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.chunk_scores.update(), s.r, s.i, s.over_features_scores, rows, vector, true);
  s.causal_numerator.compute_at(s.out, io).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.causal_numerator.update(0), s.dv, s.i, s.over_features_prefix, rows, vector,
                       fixed_values);
  block_rows_by_values(s.causal_numerator.update(1), s.dv, s.i, s.over_chunk_keys_numerator, rows, vector,
                       fixed_values);
  s.causal_normaliser.compute_at(s.out, io);
  reduce_in_lanes(s.causal_normaliser.update(0), s.over_features_prefix_sum, vector);
  reduce_in_lanes(s.causal_normaliser.update(1), s.over_chunk_keys_normaliser, vector);
}

} // namespace attnforge::schedules
