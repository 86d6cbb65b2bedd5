// The named stages of the sparse-attention algorithm, handed from the
// generator (which defines them) to a target's schedule (which places them).
// They mirror full attention's stages, except that the per-block stages are
// indexed by (row, slot, query_block) instead of (i, key_tile): `slot` is the
// position in the query block's run-time list of visited key blocks, and
// keeping the query block a variable of its own (not i / block_size) lets the
// visited key block be one scalar per (slot, query_block), so a schedule can
// vectorise across rows and still read k and v rows as broadcasts.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

struct SparseAttentionStages {
  // Pure variables: feature, value feature, key within a key block, query,
  // visited-list slot, head, batch, and the query block with the row inside
  // it that the per-block stages and the online-softmax state are indexed by.
  Halide::Var d, dv, key_in_tile, i, slot, h, b, row, query_block;
  // Position along the sequence (a key index or a query's aligned position).
  Halide::Var position;
  // The row path's stride class c, and the a-th query (position c + stride·a)
  // and t-th key (c + stride·t) in it.
  Halide::Var stride_class{"stride_class"}, query_in_class{"query_in_class"}, key_in_class{"key_in_class"};
  // Reductions: over the D features of a q·k product, over the keys of one
  // block (pattern mask, max, sum, context), and the merge of a query block's
  // visited key blocks (online softmax).
  Halide::RVar over_features, over_tile_keys_mask, over_tile_keys_max, over_tile_keys_sum,
      over_tile_keys_context, over_visited_blocks;
  // The row path's: over the features of one q·k, and over a class's keys.
  Halide::RVar over_row_features, over_class_keys_max, over_class_keys_sum, over_class_keys_context;

  Halide::Func stride_phase{"stride_phase"};   // position mod stride, (position)
  Halide::Func queries{"queries"};             // q with clamped rows, (d, i, h, b)
  Halide::Func scores{"scores"};               // q·k, (key_in_tile, row, slot, query_block, h, b)
  Halide::Func masked_scores{"masked_scores"}; // scale·log2(e)·q·k where allowed, else the lowest float; same indices
  Halide::Func tile_max{"tile_max"};           // max allowed base-2 logit (scale·log2(e)·q·k) of a block, (row, slot, query_block, h, b)
  Halide::Func weights{"weights"};             // 2^(logit − tile_max), 0 where masked; as scores
  Halide::Func tile_sum{"tile_sum"};           // Σ weights over a visited block; as tile_max
  Halide::Func tile_context{"tile_context"};   // Σ weights·v over a visited block, (dv, row, slot, query_block, h, b)
  Halide::Func running{"running"}; // online-softmax state (context, max, sum), (dv, row, query_block, h, b)
  // Strided keys row by row, class by class: (t, a, c) is the t-th key and
  // a-th query of stride class c.
  Halide::Func row_scores{"row_scores"};               // q·k, (t, a, c, h, b)
  Halide::Func row_masked_scores{"row_masked_scores"}; // scale·log2(e)·q·k where the row path owns the pair; as row_scores
  Halide::Func row_max{"row_max"};                     // (a, c, h, b)
  Halide::Func row_weights{"row_weights"};             // 2^(logit − row_max); as row_scores
  Halide::Func row_sum{"row_sum"};                     // (a, c, h, b)
  Halide::Func row_context{"row_context"};             // Σ weights·v, (dv, a, c, h, b)
  Halide::Func row_result{"row_result"};               // (row_context, row_max, row_sum), (dv, a, c, h, b)
  Halide::Func out; // the blocks' state merged with the row path's, context / sum, (dv, i, h, b)

  // True when q, k, v and out all have unit stride along features.
  Halide::Expr dense_features;
  // The row path's switch (a runtime input): the schedule specialises on it.
  Halide::Expr strided_per_row;

  int head_dim = 0;   // 0: any; else D is this constant
  int value_dim = 0;  // likewise Dv
  int block_size = 0; // rows per query block = keys per key block
};

} // namespace attnforge::schedules
