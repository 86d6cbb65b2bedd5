// The online-softmax merge every tiled softmax attention shares: a running
// (context, max, sum) per row absorbs one key tile's (context, max, sum),
// each relative to its own max, by rescaling both to the larger max. Full and
// sparse attention both build on it. Maxes are base-2 logits
// (scale·log2(e)·q·k), so a weight relative to a max m is 2^(logit − m).
#pragma once

#include "Halide.h"

#include "attention_inputs.h"

namespace attnforge::generators {

// The state before any tile: no context, the lowest max, no weight. The
// lowest float rather than −∞ keeps (old − new) finite when a row's first
// tiles are fully masked.
inline Halide::Tuple online_softmax_start() {
  return Halide::Tuple(0.0f, Halide::Float(32).min(), 0.0f);
}

// running = (context, max, sum) merged with one tile's (context, max, sum).
// Of the two rescale factors 2^(old − new) and 2^(tile − new), one is 1:
// a single exp of −|old − tile| gives the other. The factors are evaluated
// for every (feature, row) of the state, so halving the exps matters when
// tiles are small (sparse's 64-key blocks).
inline Halide::Tuple online_softmax_merge(const Halide::Tuple &running, const Halide::Expr &tile_context,
                                          const Halide::Expr &tile_max, const Halide::Expr &tile_sum) {
  const Halide::Expr &old_max = running[1];
  Halide::Expr tile_is_larger = tile_max > old_max;
  Halide::Expr smaller_factor = exp2_nonpositive(-Halide::abs(old_max - tile_max));
  Halide::Expr keep = Halide::select(tile_is_larger, smaller_factor, 1.0f);
  Halide::Expr take = Halide::select(tile_is_larger, 1.0f, smaller_factor);
  return Halide::Tuple(running[0] * keep + tile_context * take, Halide::max(old_max, tile_max),
                       running[2] * keep + tile_sum * take);
}

// The attention output of a finished row: context / sum, and 0 for a row that
// saw no key (sum 0), never NaN.
inline Halide::Expr online_softmax_result(const Halide::Expr &context, const Halide::Expr &sum) {
  return Halide::select(sum > 0.0f, context / sum, 0.0f);
}

} // namespace attnforge::generators
