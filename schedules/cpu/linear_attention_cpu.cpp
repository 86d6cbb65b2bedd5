// Linear attention on a multicore x86 CPU.
//
// Loop nest, outermost first:
//   causal, before the queries: per segment and kv head (parallel), the
//     segment's φ(k), then its Σφ(k)⊗v in registers as below and its Σφ(k),
//     then the exclusive scan over segments (one D×Dv state per segment);
//   b and kv head (parallel): non-causal only: softmax's key max, then tile
//     by tile: the tile's φ(k) (in cache), its φ(k)⊗v accumulated in
//     `feature_block` × Dv registers, over `keys_per_value_chunk` keys at
//     a time so that v streams in evenly, then added to the head's sums
//     (D×Dv, on the stack), once for all the query heads that share them;
//   the query rows of one segment (parallel): causal only: φ(k) of the
//     segment (computed features-innermost, a vector of keys at a time,
//     then stored keys-innermost) and the scan over its chunks (one D×Dv
//     state per chunk of the segment, in L2), once for all the query heads
//     of the kv head;
//   the query heads of that kv head, then the query tile (both parallel):
//     φ(q) of the tile and its normalisers, then
//     non-causal: per group of `row_block` rows, φ(q)ᵀcontext in
//     `row_block` × Dv registers, written to out at once, so out's stores
//     spread between the FMAs instead of coming in one burst per tile;
//     causal: the tile's scores against its own chunk (rows × chunk keys in
//     registers), then per group of `row_block` rows φ(q)ᵀ(prefix context)
//     and the own chunk's scores·v in the same registers, written to out.
// The loop nest is specialised on causal, so each call runs only its path's
// stages, and on unit feature strides, so dense calls use vector loads.
#include "cpu/linear_attention_cpu.h"

#include "cpu/chunked_reduction.h"
#include "cpu/stack_storage.h"

namespace attnforge::schedules {

using namespace Halide;

namespace {

// acc(dv, x) += a(x-ish) · b(dv): `rows` values of x × all of dv in registers;
// `over_chunk` > 0 streams b in chunks (reduce_in_chunks_across_blocks).
void block_rows_by_values(Stage update, const Var &dv, const VarOrRVar &x, const VarOrRVar &over, int rows,
                          int vector, bool unroll_values, int over_chunk = 0) {
  Var xo("xo"), xi("xi"), dvo("dvo"), dvi("dvi");
  update.split(x, xo, xi, rows, TailStrategy::GuardWithIf)
      .split(dv, dvo, dvi, vector, TailStrategy::GuardWithIf)
      .reorder(dvi, dvo, xi, over, xo)
      .vectorize(dvi)
      .unroll(xi);
  if (unroll_values) update.unroll(dvo);
  reduce_in_chunks_across_blocks(update, over, over_chunk, xo);
}

// One copy of a stage per feature map: a select over the maps would
// evaluate all three (softmax's exp and division included) for every element.
// Each specialisation's condition is known false in the copies after it, so
// the last copy, relu's, carries no select either. Causal stages never see
// softmax (the plugin rejects softmax + causal, and their φ(k) has no softmax
// branch): they need elu1's copy and relu's only.
template <typename Scheduled>
void specialize_feature_maps(Scheduled stage, const Expr &feature_map, bool with_softmax) {
  if (with_softmax) stage.specialize(feature_map == 0);
  stage.specialize(feature_map == 1);
}

// A per-row reduction over a contiguous range of several vectors (features,
// or a chunk's keys): whole vectors are combined lane by lane first
// (rfactor, computed at `at` for at most `rows` rows, on the stack), so each
// row pays for one horizontal reduction instead of one per vector.
void reduce_rows_lane_by_lane(Func reduction, int update_index, const Var &row, const RVar &over, int vector,
                              const LoopLevel &at, int rows) {
  RVar vectors("vectors"), lanes("lanes");
  Var lane("lane");
  Func partial = reduction.update(update_index)
                     .split(over, vectors, lanes, vector, TailStrategy::GuardWithIf)
                     .rfactor(lanes, lane);
  partial.compute_at(at).reorder_storage(lane, row).vectorize(lane);
  store_on_stack(partial, {{lane, vector}, {row, rows}});
  partial.update().vectorize(lane);
  reduction.update(update_index).atomic().vectorize(lanes);
}

} // namespace

void schedule_linear_attention_cpu(LinearAttentionStages &s, const LinearAttentionCpuTunables &tunables,
                                   const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int rows = tunables.row_block;
  const int features = tunables.feature_block;
  const int query_tile = tunables.query_tile;
  const int segment_rows = s.keys_per_chunk * s.chunks_per_segment;
  const bool fixed_values = s.value_dim > 0;
  Var segment_of_rows("segment_of_rows"), rows_in_segment("rows_in_segment"), io("io"), ii("ii"),
      kv_head("kv_head"), head_in_group("head_in_group"), kv_head_of_batch("kv_head_of_batch"), jo("jo"), ji("ji"),
      row_group("row_group"), row_in_group("row_in_group");

  s.out.compute_root()
      .split(s.i, segment_of_rows, rows_in_segment, segment_rows, TailStrategy::GuardWithIf)
      .split(rows_in_segment, io, ii, query_tile, TailStrategy::GuardWithIf)
      .split(ii, row_group, row_in_group, rows, TailStrategy::GuardWithIf)
      .split(s.h, kv_head, head_in_group, s.heads_per_kv_head, TailStrategy::GuardWithIf)
      .fuse(kv_head, s.b, kv_head_of_batch)
      .reorder(s.dv, row_in_group, row_group, io, head_in_group, segment_of_rows, kv_head_of_batch)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(kv_head_of_batch)
      .parallel(head_in_group)
      .parallel(segment_of_rows)
      .parallel(io);
  // causal is a plain bool input, so Halide drops the other path's stages
  // from each branch; dense strides get vector loads instead of gathers.
  s.out.specialize(s.causal).specialize(s.dense_features);
  s.out.specialize(s.dense_features);

  // The per-feature reductions over keys (softmax's key max, a tile's Σφ(k))
  // with a fixed D's feature vectors unrolled: each vector is then a
  // register the keys fold into, not a stack slot loaded and stored again
  // for every key.
  auto features_in_registers = [&](Stage over_keys) {
    if (s.head_dim > 0) over_keys.unroll(s.d);
  };

  // Non-causal: softmax's key max per kv head, features in lanes, computed
  // just before that head's tiles, so the tiles find its k (1 MB at N = 4096)
  // still in L2 instead of reading it again from memory.
  s.key_max.compute_at(s.context_sum, s.g).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.key_max.update().reorder(s.d, s.over_keys_max).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  features_in_registers(s.key_max.update());

  // φ(K)ᵀV and Σφ(K) per kv head, in out's loop over kv heads, tile by
  // tile: each tile's φ(k) in cache (L2 at 512 keys), its φ(k)⊗v in
  // registers over chunks of keys that stay in L1, then added to the sums.
  // The sums and context are per kv head, on the stack for a fixed D and
  // Dv. Computed for all heads at the root, they were heap blocks of
  // B·Hkv·D·Dv floats per call, which glibc gave back to the system and
  // faulted in again on every call: with many short heads (N = 128,
  // H = 128) this takes 0.57 of the time it did (0.85 where glibc keeps its
  // heap).
  const LoopLevel each_kv_head(s.out, kv_head_of_batch);
  s.context_sum.compute_at(each_kv_head).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.context_sum.update()
      .reorder(s.dv, s.d, s.over_tiles, s.g, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  const LoopLevel each_tile(s.context_sum, s.over_tiles);
  s.tile_context.compute_at(each_tile).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.tile_context.update(), s.dv, s.d, s.over_tile_keys_context, features, vector,
                       fixed_values, tunables.keys_per_value_chunk);
  // The key sums run in the same loop as the context sums (compute_with),
  // so both read each tile's φ(k) while it is in L1.
  s.key_sum.compute_at(each_kv_head).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.key_sum.update()
      .reorder(s.d, s.over_tiles, s.g, s.b)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf)
      .compute_with(s.context_sum.update(), s.over_tiles);
  s.tile_key_sum.compute_at(s.key_sum, s.over_tiles).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.tile_key_sum.update()
      .reorder(s.d, s.over_tile_keys_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);
  features_in_registers(s.tile_key_sum.update());
  Func tile_features = s.features_k.in({s.tile_context, s.tile_key_sum});
  tile_features.compute_at(each_tile).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  if (s.head_dim > 0) store_on_stack(tile_features, {{s.d, s.head_dim}, {s.j, s.keys_per_tile}});
  specialize_feature_maps(tile_features, s.feature_map, /*with_softmax=*/true);
  // softmax divides once per element here, not once per query.
  s.context.compute_at(each_kv_head).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  if (s.head_dim > 0 && s.value_dim > 0) {
    for (Func per_kv_head : {s.context_sum, s.context}) {
      store_on_stack(per_kv_head, {{s.dv, s.value_dim}, {s.d, s.head_dim}, {s.g, 1}, {s.b, 1}});
    }
  }
  if (s.head_dim > 0) store_on_stack(s.key_sum, {{s.d, s.head_dim}, {s.g, 1}, {s.b, 1}});

  // Causal, first level: per-segment sums, in parallel, then their scan.
  // The key sums run in the context sums' loop over segments and read the
  // same φ(k) of the segment: on their own they took φ(k) again, with its
  // exps and a pass over k (sharing it, a causal call takes 0.96 of the
  // time).
  s.segment_context.compute_root().vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_values(s.segment_context.update(), s.dv, s.d, s.over_segment_keys_context, features, vector,
                       fixed_values);
  s.segment_context.update().parallel(s.segment).parallel(s.g).parallel(s.b).specialize(s.dense_features);
  Func segment_features = s.causal_features_k.in({s.segment_context, s.segment_key_sum});
  segment_features.compute_at(s.segment_context, s.segment).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  specialize_feature_maps(segment_features, s.feature_map, /*with_softmax=*/false);
  s.segment_key_sum.compute_root().vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.segment_key_sum.update()
      .reorder(s.d, s.over_segment_keys_sum, s.segment, s.g, s.b)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf)
      .parallel(s.segment)
      .parallel(s.g)
      .parallel(s.b)
      .compute_with(s.segment_context.update(), s.segment);
  features_in_registers(s.segment_key_sum.update());
  s.segment_prefix_context.compute_root().vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.segment_prefix_context.update()
      .reorder(s.dv, s.d, s.over_segments_context, s.g, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(s.g);
  s.segment_prefix_key_sum.compute_root().vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.segment_prefix_key_sum.update()
      .reorder(s.d, s.over_segments_sum, s.g, s.b)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);

  // Causal, second level, per segment of query rows: φ(k) keys-innermost (so
  // the in-chunk scores load whole vectors of keys), then the scan over the
  // segment's chunks, each chunk's φ(k)⊗v computed as it is added.
  const LoopLevel each_segment(s.out, segment_of_rows);
  // φ(k) is computed with features innermost, as k is stored (whole-vector
  // loads of k, one visibility test per key), a vector of keys at a time, and
  // only then copied keys-innermost: computed keys-innermost, every exp or
  // max would wait on a gather of k and of the key mask.
  Func chunk_features = s.causal_features_k.in({s.chunk_context, s.chunk_key_sum, s.chunk_scores});
  Func natural_features = s.causal_features_k.in(chunk_features);
  chunk_features.compute_at(each_segment)
      .reorder_storage(s.j, s.d)
      .split(s.j, jo, ji, vector, TailStrategy::GuardWithIf)
      .reorder(ji, s.d, jo)
      .vectorize(ji);
  natural_features.vectorize(s.d, vector, TailStrategy::GuardWithIf);
  if (s.head_dim > 0) {
    natural_features.compute_at(chunk_features, jo);
    store_on_stack(natural_features, {{s.d, s.head_dim}, {s.j, vector}});
  } else {
    natural_features.compute_at(each_segment); // one allocation per segment, not one per vector of keys
  }
  specialize_feature_maps(natural_features, s.feature_map, /*with_softmax=*/false);
  s.prefix_context.compute_at(each_segment);
  s.prefix_context.update(0).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  if (fixed_values) {
    // The scan adds each chunk's φ(k)⊗v one block of `feature_block`
    // features at a time, the block's sums taken in registers right there:
    // a whole D×Dv sum per chunk was zeroed, stored and read back, three
    // 16 KB passes per 32 keys on the store port (without them, a causal
    // call takes 0.95 of the time).
    Var d_block("d_block"), d_in_block("d_in_block"), dv_vector("dv_vector"), dv_lane("dv_lane");
    s.prefix_context.update(1)
        .split(s.d, d_block, d_in_block, features, TailStrategy::GuardWithIf)
        .split(s.dv, dv_vector, dv_lane, vector, TailStrategy::GuardWithIf)
        .reorder(dv_lane, dv_vector, d_in_block, d_block, s.over_chunks_context)
        .vectorize(dv_lane)
        .unroll(dv_vector)
        .unroll(d_in_block);
    Var cd_vector("cd_vector"), cd_lane("cd_lane");
    s.chunk_context.compute_at(s.prefix_context, d_block)
        .split(s.dv, cd_vector, cd_lane, vector, TailStrategy::GuardWithIf)
        .reorder(cd_lane, cd_vector, s.d)
        .vectorize(cd_lane)
        .unroll(cd_vector)
        .unroll(s.d);
    store_on_stack(s.chunk_context, {{s.dv, s.value_dim}, {s.d, features}});
  } else {
    s.prefix_context.update(1)
        .reorder(s.dv, s.d, s.over_chunks_context)
        .vectorize(s.dv, vector, TailStrategy::GuardWithIf);
    s.chunk_context.compute_at(s.prefix_context, s.over_chunks_context)
        .vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  }
  block_rows_by_values(s.chunk_context.update(), s.dv, s.d, s.over_chunk_keys_context, features, vector,
                       fixed_values);
  s.prefix_key_sum.compute_at(each_segment);
  s.prefix_key_sum.update(0).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.prefix_key_sum.update(1)
      .reorder(s.d, s.over_chunks_sum)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf);
  s.chunk_key_sum.compute_at(s.prefix_key_sum, s.over_chunks_sum);
  // The chunk's φ(k) is stored keys-innermost: sum each feature along it, in
  // lanes and then across them. (Not lane by lane: an rfactor would hide
  // the φ(k) this stage reads from the wrapper above.)
  s.chunk_key_sum.update().atomic().vectorize(s.over_chunk_keys_sum, vector, TailStrategy::GuardWithIf);

  // Query side, per query tile: φ(q) and the normalisers; then φ(q)ᵀcontext
  // in register blocks, per group of rows for non-causal calls.
  const LoopLevel each_query_tile(s.out, io);
  s.query_max.compute_at(each_query_tile);
  reduce_rows_lane_by_lane(s.query_max, 0, s.i, s.over_features_max, vector, each_query_tile, query_tile);
  s.features_q.compute_at(each_query_tile).vectorize(s.d, vector, TailStrategy::GuardWithIf);
  if (s.head_dim > 0) store_on_stack(s.features_q, {{s.d, s.head_dim}, {s.i, query_tile}});
  specialize_feature_maps(s.features_q, s.feature_map, /*with_softmax=*/true);

  s.numerator.compute_at(s.out, row_group).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  if (fixed_values) store_on_stack(s.numerator, {{s.dv, s.value_dim}, {s.i, rows}});
  block_rows_by_values(s.numerator.update(), s.dv, s.i, s.over_features_numerator, rows, vector, fixed_values);
  s.normaliser.compute_at(each_query_tile);
  reduce_rows_lane_by_lane(s.normaliser, 0, s.i, s.over_features_normaliser, vector, each_query_tile,
                           query_tile);
  s.inverse_normaliser.compute_at(each_query_tile).vectorize(s.i, vector, TailStrategy::GuardWithIf);

  s.chunk_scores.compute_at(each_query_tile).vectorize(s.r, vector, TailStrategy::GuardWithIf);
  store_on_stack(s.chunk_scores, {{s.r, s.keys_per_chunk}, {s.i, query_tile}});
  block_rows_by_values(s.chunk_scores.update(), s.r, s.i, s.over_features_scores, rows, vector, true);
  // Per group of rows, as the non-causal numerator: the prefix's and the own
  // chunk's sums accumulate in the same registers and go to out at once,
  // instead of through a tile-sized buffer between the two (a causal call
  // takes 0.93 of the time).
  s.causal_numerator.compute_at(s.out, row_group).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  if (fixed_values) store_on_stack(s.causal_numerator, {{s.dv, s.value_dim}, {s.i, rows}});
  block_rows_by_values(s.causal_numerator.update(0), s.dv, s.i, s.over_features_prefix, rows, vector,
                       fixed_values);
  block_rows_by_values(s.causal_numerator.update(1), s.dv, s.i, s.over_chunk_keys_numerator, rows, vector,
                       fixed_values);
  s.causal_normaliser.compute_at(each_query_tile);
  reduce_rows_lane_by_lane(s.causal_normaliser, 0, s.i, s.over_features_prefix_sum, vector, each_query_tile,
                           query_tile);
  reduce_rows_lane_by_lane(s.causal_normaliser, 1, s.i, s.over_chunk_keys_normaliser, vector, each_query_tile,
                           query_tile);
  s.causal_inverse_normaliser.compute_at(each_query_tile).vectorize(s.i, vector, TailStrategy::GuardWithIf);
  // A query tile's per-row values on the stack, not in a heap block per tile.
  for (Func per_row : {s.query_max, s.normaliser, s.inverse_normaliser, s.causal_normaliser,
                       s.causal_inverse_normaliser}) {
    store_on_stack(per_row, {{s.i, query_tile}});
  }
}

} // namespace attnforge::schedules
