// The named stages of the full-attention algorithm, handed from the generator
// (which defines them) to a target's schedule (which places them). The
// schedule needs the names, never the formulas.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

struct FullAttentionStages {
  // Pure variables: feature, value feature, key, query, key tile, head, batch.
  Halide::Var d, dv, j, i, key_tile, h, b;
  // The online-softmax state is indexed by query block and row within it.
  Halide::Var row, query_block;
  // Reductions: over the D features of a q·k product, over the keys of one
  // tile, and the left-to-right merge of key tiles (online softmax).
  Halide::RVar over_features, over_tile_keys_max, over_tile_keys_sum,
      over_tile_keys_context, over_key_tiles;

  Halide::Func queries{"queries"};           // q with clamped rows, (d, i, h, b)
  Halide::Func keys{"keys"};                 // k with clamped keys, (d, j, g, b)
  Halide::Func values{"values"};             // v with clamped keys, (dv, j, g, b)
  Halide::Func scores{"scores"};             // q·k, (j, i, h, b)
  Halide::Func tile_max{"tile_max"};         // max visible scaled score of a key tile, (i, key_tile, h, b)
  Halide::Func weights{"weights"};           // exp(score − tile_max), 0 where masked, (j, i, h, b)
  Halide::Func tile_sum{"tile_sum"};         // Σ weights over a key tile, (i, key_tile, h, b)
  Halide::Func tile_context{"tile_context"}; // Σ weights·v over a key tile, (dv, i, key_tile, h, b)
  Halide::Func running{"running"}; // online-softmax state (context, max, sum), (dv, row, query_block, h, b)
  Halide::Func out;                          // the output, context / sum, (dv, i, h, b)

  // True when q, k, v and out all have unit stride along features: the
  // common case, worth code of its own (dense vector loads, no gathers).
  Halide::Expr dense_features;
  // The causal flag: the schedule may give causal calls their own code, in
  // which the tile-skipping condition is simple enough to bound loops with.
  Halide::Expr causal;

  int head_dim = 0;  // 0: any; else D is this constant
  int value_dim = 0; // likewise Dv
  int keys_per_tile = 0;
  int queries_per_block = 0;
};

} // namespace attnforge::schedules
