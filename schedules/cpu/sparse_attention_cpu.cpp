// Sparse attention on a multicore x86 CPU: full attention's loop nest
// (schedules/cpu/full_attention_cpu.cpp), with the key-tile loop replaced by
// the query block's run-time list of visited key blocks.
//
// Vectors run across the query rows of a block, never across keys or
// features, as in full: every per-row quantity (block max, weights, sums,
// merge factors, the query's position in the mask) is a plain vector op, and
// the rows of the visited k and v block stream past as broadcast scalars. The
// mask's per-key terms are scalars too, so the element mask costs a handful
// of vector compares per key against the 2·D FMAs of its scores.
//
// Loop nest, outermost first:
//   root: the stride phase of every position (one division each);
//   b, h, query block (parallel): transpose the block's q rows (rows innermost);
//   visited key block (the block's list, block_count[qb] long):
//     scores   rows × keys   register blocks of `rows_per_register_block` × `keys_per_register_block`
//     element mask, block max, weights, block sum                          (row vectors)
//     block context  rows × Dv  register blocks of rows × `values_per_register_block`
//     merge into the running (context, max, sum)                          (row vectors)
//   write out, merging the two and transposing back to features innermost.
// and before the query blocks, per b, h, when the row path is on:
//   stride class (parallel), its queries a block at a time: q·k per (query,
//     key) of the class (features in lanes), then max, weights and sum
//     (queries in lanes) and the context (all of Dv in registers per query).
#include "cpu/sparse_attention_cpu.h"

#include "cpu/rows_in_vectors.h"

namespace attnforge::schedules {

using namespace Halide;

void schedule_sparse_attention_cpu(SparseAttentionStages &s, const SparseAttentionCpuTunables &tunables,
                                   const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int block = s.block_size; // a multiple of `vector`
  const int rows = tunables.rows_per_register_block > 0 ? int(tunables.rows_per_register_block) : block;
  const int keys = tunables.keys_per_register_block;
  const int values = tunables.values_per_register_block;
  Var io("io"), ii("ii"), dvo("dvo"), dvi("dvi");
  RVar over_visited_blocks = s.over_visited_blocks;

  s.out.compute_root()
      .split(s.i, io, ii, block, TailStrategy::GuardWithIf)
      .reorder(s.dv, ii, io, s.h, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(io);
  // Any-stride inputs stay correct through the generic path; dense ones get
  // their own copy of the loop nest. Calls without the row path leave out
  // its stages altogether.
  s.out.specialize(s.strided_per_row).specialize(s.dense_features);
  s.out.specialize(s.dense_features);

  s.stride_phase.compute_root();

  s.queries.compute_at(s.out, io).reorder_storage(s.i, s.d).vectorize(s.i, vector);

  // The row path, per head and stride class (parallel): the class's q·k
  // dot products (features in lanes), then, with its queries in lanes, max,
  // weights and sum; its context with all of Dv in registers per query.
  const LoopLevel each_head(s.out, s.h);
  // Stored class-major within each a, so that out, walking consecutive rows
  // (consecutive classes), reads it sequentially. A class's queries are taken
  // one vector at a time, so its per-pair stages hold vector × N/stride
  // values, in L2 even at small strides (B=1 H=1 N=65536, local(16) +
  // stride(8): 10.3 s, against 14.1 s with 64 queries at a time).
  Var queries_outer("queries_outer"), queries_inner("queries_inner");
  s.row_result.compute_at(each_head)
      .reorder_storage(s.dv, s.stride_class, s.query_in_class)
      .split(s.query_in_class, queries_outer, queries_inner, vector, TailStrategy::GuardWithIf)
      .reorder(s.dv, queries_inner, queries_outer, s.stride_class)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(s.stride_class);
  const LoopLevel each_class_block(s.row_result, queries_outer);
  s.row_scores.compute_at(each_class_block).reorder_storage(s.query_in_class, s.key_in_class);
  if (s.head_dim > 0 && s.head_dim % vector == 0) {
    // Partial sums in one vector of lanes, then one horizontal add per pair
    // (not one per vector of features).
    RVar features_outer("features_outer"), features_inner("features_inner");
    Var lane("lane");
    Func partial = s.row_scores.update()
                       .split(s.over_row_features, features_outer, features_inner, vector)
                       .rfactor(features_inner, lane);
    partial.compute_at(s.row_scores, s.key_in_class).vectorize(lane);
    partial.update().reorder(lane, features_outer).vectorize(lane);
    s.row_scores.update().atomic().vectorize(features_inner);
  } else {
    s.row_scores.update().atomic().vectorize(s.over_row_features, vector, TailStrategy::GuardWithIf);
  }
  for (Func per_pair : {s.row_masked_scores, s.row_weights}) {
    per_pair.compute_at(each_class_block)
        .reorder_storage(s.query_in_class, s.key_in_class)
        .vectorize(s.query_in_class, vector, TailStrategy::GuardWithIf);
  }
  s.row_max.compute_at(each_class_block).vectorize(s.query_in_class, vector, TailStrategy::GuardWithIf);
  s.row_max.update()
      .reorder(s.query_in_class, s.over_class_keys_max)
      .vectorize(s.query_in_class, vector, TailStrategy::GuardWithIf);
  s.row_sum.compute_at(each_class_block).vectorize(s.query_in_class, vector, TailStrategy::GuardWithIf);
  s.row_sum.update()
      .reorder(s.query_in_class, s.over_class_keys_sum)
      .vectorize(s.query_in_class, vector, TailStrategy::GuardWithIf);
  s.row_context.compute_at(each_class_block).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.row_context.update()
      .split(s.dv, dvo, dvi, vector, TailStrategy::GuardWithIf)
      .reorder(dvi, dvo, s.over_class_keys_context, s.query_in_class)
      .vectorize(dvi);
  if (s.value_dim > 0) s.row_context.update().unroll(dvo);

  s.running.compute_at(s.out, io).reorder_storage(s.row, s.dv).vectorize(s.row, vector);
  s.running.update().reorder(s.row, s.dv, over_visited_blocks).vectorize(s.row, vector);

  s.scores.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);
  block_rows_by_columns(s.scores.update(), s.row, rows, s.key_in_tile, keys, s.over_features, vector);

  // The mask is evaluated once per pair, here (kv_len and causal, then the
  // pattern where the block needs it); max and weights read it back.
  s.masked_scores.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);
  s.masked_scores.update().reorder(s.row, s.over_tile_keys_mask).vectorize(s.row, vector);

  const LoopLevel each_visited_block(s.running, over_visited_blocks);
  s.tile_max.compute_at(each_visited_block).vectorize(s.row, vector);
  reduce_rows_in_chains(s.tile_max, s.over_tile_keys_max, s.row, vector, each_visited_block);

  s.weights.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);

  s.tile_sum.compute_at(each_visited_block).vectorize(s.row, vector);
  reduce_rows_in_chains(s.tile_sum, s.over_tile_keys_sum, s.row, vector, each_visited_block);

  s.tile_context.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.dv)
      .vectorize(s.row, vector);
  // With Dv unknown its size is too, which would mean a heap allocation per
  // visited block; allocate it once per query block instead.
  if (s.value_dim == 0) s.tile_context.store_at(s.out, io);
  block_rows_by_columns(s.tile_context.update(), s.row, rows, s.dv, values, s.over_tile_keys_context, vector);
}

} // namespace attnforge::schedules
