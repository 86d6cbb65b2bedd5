// Full attention on a multicore x86 CPU.
//
// Vectors run across the query rows of a block, never across keys or
// features: every per-row quantity (tile max, weights, tile sum, merge
// factors) is then a plain vector op, with no horizontal reductions, and the
// k and v rows stream past as broadcast scalars read in order, so a block's
// q (transposed once) and its scores and weights stay in L1 while k and v
// come from L2 at a few bytes per FMA.
//
// Loop nest, outermost first:
//   b, h, query block (parallel): transpose the block's q rows (rows innermost);
//   key tile (only those the block can see):
//     scores   rows × keys   register blocks of all rows × `keys_per_register_block`
//     tile max, weights, tile sum    (row vectors, in interleaved chains)
//     tile context  rows × Dv  register blocks of all rows × `values_per_register_block`,
//                   `keys_per_value_chunk` keys at a time across the blocks
//     merge into the running (context, max, sum)           (row vectors)
//   write out, transposing back to features innermost.
#include "cpu/full_attention_cpu.h"

#include "cpu/rows_in_vectors.h"
#include "cpu/stack_storage.h"

namespace attnforge::schedules {

using namespace Halide;

void schedule_full_attention_cpu(FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                                 const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int rows = s.queries_per_block; // a multiple of `vector`
  const int keys = tunables.keys_per_register_block;
  const int values = tunables.values_per_register_block;
  Var io("io"), ii("ii");
  RVar over_key_tiles = s.over_key_tiles;

  s.out.compute_root()
      .split(s.i, io, ii, rows, TailStrategy::GuardWithIf)
      .reorder(s.dv, ii, io, s.h, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(io);
  // Any-stride inputs stay correct through the generic path; dense ones get
  // their own copy of the loop nest, and causal calls one more, in which the
  // tile-skipping bound is simple enough for Halide to turn into loop bounds.
  s.out.specialize(s.dense_features && s.causal);
  s.out.specialize(s.dense_features);

  s.queries.compute_at(s.out, io).reorder_storage(s.i, s.d).vectorize(s.i, vector);

  s.running.compute_at(s.out, io).reorder_storage(s.row, s.dv).vectorize(s.row, vector);
  s.running.update().reorder(s.row, s.dv, over_key_tiles).vectorize(s.row, vector);

  const LoopLevel each_tile(s.running, over_key_tiles);
  // A tile's scores and weights: rows × keys_per_tile, on the stack.
  auto per_tile_on_stack = [&](Func tile) {
    tile.compute_at(each_tile).reorder_storage(s.i, s.j).vectorize(s.i, vector);
    store_on_stack(tile, {{s.i, rows}, {s.j, s.keys_per_tile}});
  };
  // q·k accumulates in registers, one register block at a time, and lands in
  // the tile's scores once, through a copy: computed straight into the tile
  // it would be zeroed there first and reloaded for each block.
  Func tile_scores = s.scores.in();
  per_tile_on_stack(tile_scores);
  Var key_block("key_block"), key_in_block("key_in_block");
  tile_scores.split(s.j, key_block, key_in_block, keys).reorder(s.i, key_in_block, key_block).unroll(key_in_block);
  s.scores.compute_at(tile_scores, key_block).reorder_storage(s.i, s.j).vectorize(s.i, vector).unroll(s.i).unroll(s.j);
  block_rows_by_columns(s.scores.update(), s.i, rows, s.j, keys, s.over_features, vector);

  s.tile_max.compute_at(each_tile).vectorize(s.i, vector);
  reduce_rows_in_chains(s.tile_max, s.over_tile_keys_max, s.i, vector, each_tile);

  per_tile_on_stack(s.weights);

  s.tile_sum.compute_at(each_tile).vectorize(s.i, vector);
  reduce_rows_in_chains(s.tile_sum, s.over_tile_keys_sum, s.i, vector, each_tile);

  s.tile_context.compute_at(each_tile).reorder_storage(s.i, s.dv).vectorize(s.i, vector);
  block_rows_by_columns(s.tile_context.update(), s.i, rows, s.dv, values, s.over_tile_keys_context, vector,
                        tunables.keys_per_value_chunk);
}

} // namespace attnforge::schedules
