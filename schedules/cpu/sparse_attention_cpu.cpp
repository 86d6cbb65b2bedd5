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
//   write out, transposing back to features innermost.
#include "cpu/sparse_attention_cpu.h"

namespace attnforge::schedules {

using namespace Halide;

void schedule_sparse_attention_cpu(SparseAttentionStages &s, const SparseAttentionCpuTunables &tunables,
                                   const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int block = s.block_size; // a multiple of `vector`
  const int rows = tunables.rows_per_register_block > 0 ? int(tunables.rows_per_register_block) : block;
  const int keys = tunables.keys_per_register_block;
  const int values = tunables.values_per_register_block;
  Var io("io"), ii("ii"), ro("ro"), ri("ri"), jo("jo"), ji("ji"), dvo("dvo"), dvi("dvi");
  RVar over_visited_blocks = s.over_visited_blocks;

  s.out.compute_root()
      .split(s.i, io, ii, block, TailStrategy::GuardWithIf)
      .reorder(s.dv, ii, io, s.h, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(io);
  // Any-stride inputs stay correct through the generic path; dense ones get
  // their own copy of the loop nest.
  s.out.specialize(s.dense_features);

  s.stride_phase.compute_root();

  s.queries.compute_at(s.out, io).reorder_storage(s.i, s.d).vectorize(s.i, vector);

  s.running.compute_at(s.out, io).reorder_storage(s.row, s.dv).vectorize(s.row, vector);
  s.running.update().reorder(s.row, s.dv, over_visited_blocks).vectorize(s.row, vector);

  s.scores.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);
  s.scores.update()
      .split(s.row, ro, ri, rows)
      .split(s.key_in_tile, jo, ji, keys, TailStrategy::GuardWithIf)
      .reorder(ri, ji, s.over_features, jo, ro)
      .vectorize(ri, vector)
      .unroll(ri)
      .unroll(ji);

  // The mask is evaluated once per pair, here (kv_len and causal, then the
  // pattern where the block needs it); max and weights read it back.
  s.masked_scores.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);
  s.masked_scores.update().reorder(s.row, s.over_tile_keys_mask).vectorize(s.row, vector);

  s.tile_max.compute_at(s.running, over_visited_blocks).vectorize(s.row, vector);
  s.tile_max.update().reorder(s.row, s.over_tile_keys_max).vectorize(s.row, vector);

  s.weights.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.key_in_tile)
      .vectorize(s.row, vector);

  s.tile_sum.compute_at(s.running, over_visited_blocks).vectorize(s.row, vector);
  s.tile_sum.update().reorder(s.row, s.over_tile_keys_sum).vectorize(s.row, vector);

  s.tile_context.compute_at(s.running, over_visited_blocks)
      .reorder_storage(s.row, s.dv)
      .vectorize(s.row, vector);
  // With Dv unknown its size is too, which would mean a heap allocation per
  // visited block; allocate it once per query block instead.
  if (s.value_dim == 0) s.tile_context.store_at(s.out, io);
  s.tile_context.update()
      .split(s.row, ro, ri, rows)
      .split(s.dv, dvo, dvi, values, TailStrategy::GuardWithIf)
      .reorder(ri, dvi, s.over_tile_keys_context, dvo, ro)
      .vectorize(ri, vector)
      .unroll(ri)
      .unroll(dvi);
}

} // namespace attnforge::schedules
