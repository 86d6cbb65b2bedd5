// Full attention on a multicore x86 CPU.
//
// Loop nest, outermost first:
//   b, h:        pack this head's keys transposed (keys innermost), so the
//                q·k product streams whole vectors of keys;
//   query block: parallel; one task owns `queries_per_block` rows and sweeps
//                the key tiles they can see, so each k/v row fetched serves
//                that many queries;
//   key tile:    scores (rows × keys, in L1), tile max, weights, tile sum and
//                tile context, then the online-softmax merge;
//   register blocks: `row_block` rows × `key_vectors` vectors of keys for q·k,
//                `row_block` rows × all of Dv for weights·v, accumulated in
//                registers across the reduction.
#include "cpu/full_attention_cpu.h"

namespace attnforge::schedules {

using namespace Halide;

void schedule_full_attention_cpu(FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                                 const Target &target) {
  const int vector = tunables.vector_width > 0 ? int(tunables.vector_width) : target.natural_vector_size<float>();
  const int rows = tunables.row_block;
  const int query_tile = s.queries_per_block;
  const int key_block = vector * int(tunables.key_vectors);
  Var io("io"), ii("ii"), jo("jo"), ji("ji"), dvo("dvo"), dvi("dvi");

  s.out.compute_root()
      .split(s.i, io, ii, query_tile, TailStrategy::GuardWithIf)
      .reorder(s.dv, ii, io, s.h, s.b)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf)
      .parallel(io);
  // Any-stride inputs stay correct through the generic path; dense ones get
  // their own copy of the whole loop nest.
  s.out.specialize(s.dense_features && s.causal);
  s.out.specialize(s.dense_features);

  s.keys_by_tile.compute_at(s.out, s.h)
      .vectorize(s.key_in_tile, vector)
      .parallel(s.key_tile);

  s.running.compute_at(s.out, io).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.running.update()
      .reorder(s.dv, s.row, s.over_key_tiles)
      .vectorize(s.dv, vector, TailStrategy::GuardWithIf);

  RVar over_key_tiles = s.over_key_tiles;
  s.scores.compute_at(s.running, over_key_tiles).vectorize(s.j, vector);
  s.scores.update()
      .split(s.i, io, ii, rows, TailStrategy::GuardWithIf)
      .split(s.j, jo, ji, key_block, TailStrategy::GuardWithIf)
      .reorder(ji, ii, s.over_features, jo, io)
      .vectorize(ji, vector)
      .unroll(ji)
      .unroll(ii);

  s.tile_max.compute_at(s.running, over_key_tiles);
  s.tile_max.update().atomic().vectorize(s.over_tile_keys_max, vector);

  s.weights.compute_at(s.running, over_key_tiles).vectorize(s.j, vector);

  s.tile_sum.compute_at(s.running, over_key_tiles);
  s.tile_sum.update().atomic().vectorize(s.over_tile_keys_sum, vector);

  s.tile_context.compute_at(s.running, over_key_tiles).vectorize(s.dv, vector, TailStrategy::GuardWithIf);
  s.tile_context.update()
      .split(s.i, io, ii, rows, TailStrategy::GuardWithIf)
      .split(s.dv, dvo, dvi, vector, TailStrategy::GuardWithIf)
      .reorder(dvi, dvo, ii, s.over_tile_keys_context, io)
      .vectorize(dvi)
      .unroll(ii);
  if (s.value_dim > 0) s.tile_context.update().unroll(dvo);
}

} // namespace attnforge::schedules
