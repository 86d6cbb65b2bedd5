// Full attention on a multicore x86 CPU.
//
// From q to the weights, vectors run across the query rows of a block, never
// across keys or features: every per-row quantity (tile max, weights, tile
// sum, merge factors) is then a plain vector op, with no horizontal
// reductions, and k's rows stream past as broadcast scalars read in order,
// so a block's q (transposed once) and its scores and weights stay in L1
// while k comes from L2 at a few bytes per FMA. From the weights on, vectors
// run across value features instead: weights·v then loads each v row whole,
// in order, and broadcasts the weights of a few rows (side by side in the
// tile's weights for each key). A v row read across the rows of a block, 8
// values of it per pass, costs a new cache line on every key of a pass, each
// waited for; read whole, its 4 lines per key arrive in address order, which
// the hardware prefetchers follow. The running state and out are then
// features innermost too, so out needs no transpose.
//
// Loop nest, outermost first:
//   b, h (h parallel for calls of at most four query blocks): long calls:
//         k into panels of `keys_per_register_block` keys (parallel);
//   query block (parallel): transpose the block's q rows (rows innermost);
//   key tile (own-max path: only those the block can see):
//     scores   rows × keys   register blocks of all rows × `keys_per_register_block`
//     tile max (running-max path: kept for the block, and its prefix max),
//     weights, tile sum    (row vectors, in interleaved chains)
//     tile context  Dv × rows  register blocks of `values_per_register_block`
//                   value features × `queries_per_value_register_block` rows,
//                   `keys_per_value_chunk` keys at a time across the blocks
//     merge into the running state                          (feature vectors)
//   write out.
#include "cpu/full_attention_cpu.h"

#include "cpu/rows_in_vectors.h"
#include "cpu/stack_storage.h"

namespace attnforge::schedules {

using namespace Halide;

namespace {

// The stages of one tile path, placed in out's loop over query blocks.
void schedule_tile_path(FullAttentionTilePath &p, FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                        int vector, const LoopLevel &each_block) {
  const int rows = s.queries_per_block; // a multiple of `vector`
  const int keys = tunables.keys_per_register_block;

  // Dv need not be a multiple of the vector width (the any-size variant):
  // lanes past Dv are guarded, never computed, since they would read v
  // beyond its rows.
  p.running.compute_at(each_block).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  p.running.update().reorder(s.dv, s.row, p.over_key_tiles).vectorize(s.dv, vector, TailStrategy::GuardWithIf);

  const LoopLevel each_tile(p.running, p.over_key_tiles);
  // A tile's scores and weights: rows × keys_per_tile, on the stack.
  auto per_tile_on_stack = [&](Func tile) {
    tile.compute_at(each_tile).reorder_storage(s.i, s.j).vectorize(s.i, vector);
    store_on_stack(tile, {{s.i, rows}, {s.j, p.keys_per_tile}});
  };
  // q·k accumulates in registers, one register block at a time, and lands in
  // the tile's scores once, through a copy: computed straight into the tile
  // it would be reloaded from there for each block. The copy is unrolled
  // whole, so LLVM stores the registers straight into the tile; as a loop it
  // copied the block through the stack (2% of a call).
  Func tile_scores = p.scores.in();
  per_tile_on_stack(tile_scores);
  Var key_block("key_block"), key_in_block("key_in_block");
  tile_scores.split(s.j, key_block, key_in_block, keys)
      .reorder(s.i, key_in_block, key_block)
      .unroll(s.i)
      .unroll(key_in_block);
  p.scores.compute_at(tile_scores, key_block).reorder_storage(s.i, s.j).vectorize(s.i, vector).unroll(s.i).unroll(s.j);
  block_rows_by_columns(p.scores.update(), s.i, rows, s.j, keys, p.over_features, vector);

  p.tile_max.compute_at(each_tile).vectorize(s.i, vector);
  Func tile_max_chains = reduce_rows_in_chains(p.tile_max, p.over_tile_keys_max, s.i, vector, each_tile);
  if (p.rescales_per_row) {
    // The block's tile maxes are kept for the whole block, each tile adding
    // its own (Halide slides the window); a tile's prefix maxes are taken
    // from them afresh. (Sliding max_so_far too, Halide 21 never computes its
    // value for tile 0, read through the clamped index max(t − 1, 0): wrong
    // results, caught by FullAttention.RunningMaxRescalesTheStateAcrossTiles.)
    p.tile_max.store_at(each_block);
    p.max_so_far.compute_at(each_tile).vectorize(s.i, vector);
    p.max_so_far.update().vectorize(s.i, vector);
    p.rescale.compute_at(each_tile).vectorize(s.i, vector);
    // Per tile, the max's chains cover this tile, and max_so_far this one
    // and the one before; Halide cannot prove those extents constant, so
    // unbounded each was a heap block per tile (malloc and free: about 0.5%
    // of an N=4096 call), and the chains, at a run-time offset, a load and a
    // store per key instead of registers.
    store_on_stack(tile_max_chains, {{s.i, rows}, {s.key_tile, 1}});
    store_on_stack(p.max_so_far, {{s.i, rows}, {s.key_tile, 2}});
  }

  per_tile_on_stack(p.weights);

  p.tile_sum.compute_at(each_tile).vectorize(s.i, vector);
  reduce_rows_in_chains(p.tile_sum, p.over_tile_keys_sum, s.i, vector, each_tile);

  p.tile_context.compute_at(each_tile).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  block_rows_by_columns(p.tile_context.update(), s.dv, tunables.values_per_register_block, s.i,
                        tunables.queries_per_value_register_block, p.over_tile_keys_context, vector,
                        tunables.keys_per_value_chunk);
}

} // namespace

void schedule_full_attention_cpu(FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                                 const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  Var io("io"), ii("ii");

  s.out.compute_root()
      .split(s.i, io, ii, s.queries_per_block, TailStrategy::GuardWithIf)
      .reorder(s.dv, ii, io, s.h, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(io);
  // Each path gets its own copies of the loop nest, running only its own
  // stages: one for dense inputs (vector loads, no gathers) and one for any
  // strides, and the skipping path one more for dense causal calls, in which
  // the tile-skipping bound is simple enough for Halide to turn into loop
  // bounds; the running-max path one more where Nk fills whole tiles, whose
  // tile max and weights then need no mask. Every copy exists once for long
  // calls and once for the rest, so keys_in_panels is known in each, and it
  // regroups k or does not.
  // Calls of a few query blocks (N=128 is 3 blocks of 48 rows) also run
  // heads in parallel: one head at a time splits its few unequal blocks over
  // the threads and starts and joins a loop per head (N=128 H=512: 0.74 of
  // the time). Longer calls keep to one head at a time, whose k and v the
  // threads then share (heads in parallel: N=512 1.04, N=4096 1.03). Such
  // calls never read k's panels; saying so in the condition lets this copy
  // drop the panel branch of q·k's loads.
  const Expr few_query_blocks = s.out.output_buffer().dim(1).extent() <= 4 * s.queries_per_block;
  s.out.specialize(s.dense_features && s.own_max_path && !s.keys_in_panels && few_query_blocks).parallel(s.h);
  for (const Expr &calls : {s.dense_features && s.own_max_path && s.causal,
                            s.dense_features && s.own_max_path, s.own_max_path}) {
    s.out.specialize(calls).specialize(s.keys_in_panels);
  }
  // From here on own_max_path is false: the running-max path.
  auto running_max_copies = [&](Stage calls) {
    calls.specialize(s.dense_features && s.running_max.keys_fill_tiles);
    calls.specialize(s.dense_features);
  };
  running_max_copies(s.out.specialize(s.keys_in_panels));
  running_max_copies(s.out);

  // k regrouped into panels once per head, by all threads, before its query
  // blocks: whole vectors of each k row's features, scattered into the panel.
  s.key_panels.compute_at(s.out, s.h)
      .reorder(s.d, s.key_in_panel, s.panel)
      .vectorize(s.d, vector, TailStrategy::GuardWithIf)
      .unroll(s.key_in_panel)
      .parallel(s.panel, 64);
  const LoopLevel each_block(s.out, io);
  s.queries.compute_at(each_block).reorder_storage(s.i, s.d).vectorize(s.i, vector);
  schedule_tile_path(s.own_max, s, tunables, vector, each_block);
  schedule_tile_path(s.running_max, s, tunables, vector, each_block);
}

} // namespace attnforge::schedules
