// The named stages of the full-attention algorithm, handed from the generator
// (which defines them) to a target's schedule (which places them). The
// schedule needs the names, never the formulas.
#pragma once

#include <string>

#include "Halide.h"

namespace attnforge::schedules {

// The stages from one block of queries and one tile of keys to the block's
// running state. The algorithm defines two of these paths, which differ in
// the max each tile's exps are taken relative to (see full_attention.cpp).
struct FullAttentionTilePath {
  explicit FullAttentionTilePath(const std::string &path)
      : scores("scores_" + path), tile_max("tile_max_" + path), max_so_far("max_so_far_" + path),
        rescale("rescale_" + path), weights("weights_" + path), tile_sum("tile_sum_" + path),
        tile_context("tile_context_" + path), running("running_" + path) {}

  Halide::Func scores;       // base-2 logits scale·log2(e)·q·k (q carries the factor), (j, i, h, b)
  Halide::Func tile_max;     // max visible score of a key tile, (i, key_tile, h, b)
  Halide::Func max_so_far;   // running-max path: max of tile_max over tiles 0..key_tile, (i, key_tile, h, b)
  Halide::Func rescale;      // running-max path: 2^(max_so_far before the tile − with it), (i, key_tile, h, b)
  Halide::Func weights;      // 2^(score − the path's max), 0 where masked, (j, i, h, b)
  Halide::Func tile_sum;     // Σ weights over a key tile, (i, key_tile, h, b)
  Halide::Func tile_context; // Σ weights·v over a key tile, (dv, i, key_tile, h, b)
  Halide::Func running;      // online-softmax state (context, max, sum), (dv, row, query_block, h, b)

  // Reductions: over the D features of a q·k product, over the keys of one
  // tile, and the left-to-right merge of key tiles.
  Halide::RVar over_features, over_tile_keys_max, over_tile_keys_sum, over_tile_keys_context, over_key_tiles;
  bool rescales_per_row = false; // true on the running-max path
  // Nk is a whole number of tiles: on the running-max path no key is masked.
  Halide::Expr keys_fill_tiles;
  int keys_per_tile = 0;
};

struct FullAttentionStages {
  // Pure variables: feature, value feature, key, query, key tile, head, batch.
  Halide::Var d, dv, j, i, key_tile, h, b;
  // k's keys in panels of keys_per_register_block: key within its panel, panel.
  Halide::Var key_in_panel, panel;
  // The online-softmax state is indexed by query block and row within it.
  Halide::Var row, query_block;

  Halide::Func queries{"queries"}; // q with clamped rows, times scale·log2(e), (d, i, h, b)
  Halide::Func keys{"keys"};       // k with clamped keys, (d, j, g, b)
  // The same keys keys_per_register_block at a time, features outside them,
  // (key_in_panel, d, panel, g, b): stored so, one feature of a panel's keys
  // is one contiguous piece, and a panel's q·k reads k in address order.
  Halide::Func key_panels{"key_panels"};
  Halide::Func values{"values"};   // v with clamped keys, (dv, j, g, b)
  FullAttentionTilePath own_max{"own_max"};         // tiles relative to their own max; hidden tiles skipped
  FullAttentionTilePath running_max{"running_max"}; // tiles relative to the running max; every tile visited
  Halide::Func out;                                 // the output, context / sum, (dv, i, h, b)

  // True when q, k, v and out all have unit stride along features: the
  // common case, worth code of its own (dense vector loads, no gathers).
  Halide::Expr dense_features;
  // True when q·k reads k from key_panels, regrouped once per head: for
  // long query sequences only, whose blocks share that cost.
  Halide::Expr keys_in_panels;
  // The causal flag: the schedule may give causal calls their own code, in
  // which the tile-skipping condition is simple enough to bound loops with.
  Halide::Expr causal;
  // Which path a call takes: true own_max (the caller's skip_hidden_tiles,
  // or a call that running_max's larger tiles would not pay for), false
  // running_max (which masks no key before Nk: only for calls that hide none).
  Halide::Expr own_max_path;

  int head_dim = 0;  // 0: any; else D is this constant
  int value_dim = 0; // likewise Dv
  int queries_per_block = 0;
};

} // namespace attnforge::schedules
