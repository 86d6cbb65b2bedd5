// Helpers for the softmax-attention schedules (full, sparse), whose vectors run
// across query rows (full's weights·v: across value features). Register
// blocking: a stage update(column, row) that accumulates over `over` keeps
// `rows` rows (rows / vector vectors) × `columns` columns in registers while
// `over` runs, the columns as broadcast scalars.
#pragma once

#include "Halide.h"

#include "cpu/chunked_reduction.h"

namespace attnforge::schedules {

// The register blocking above; `over_chunk` > 0 streams the column operand
// (v's rows of a tile) in chunks (reduce_in_chunks_across_blocks).
inline void block_rows_by_columns(Halide::Stage update, const Halide::Var &row, int rows, const Halide::Var &column,
                                  int columns, const Halide::VarOrRVar &over, int vector, int over_chunk = 0) {
  Halide::Var rows_outer("rows_outer"), rows_inner("rows_inner"), columns_outer("columns_outer"),
      columns_inner("columns_inner");
  // A ragged last block of rows (value features of an any-size head) is
  // guarded: rounded up, it would read past the inputs.
  update.split(row, rows_outer, rows_inner, rows, Halide::TailStrategy::GuardWithIf)
      .split(column, columns_outer, columns_inner, columns, Halide::TailStrategy::GuardWithIf)
      .reorder(rows_inner, columns_inner, over, columns_outer, rows_outer)
      .vectorize(rows_inner, vector)
      .unroll(rows_inner)
      .unroll(columns_inner);
  reduce_in_chunks_across_blocks(update, over, over_chunk, columns_outer);
}

// A per-row reduction(row) over a tile's keys (`over`, a multiple of 4 long),
// taken in 4 interleaved partial reductions (rfactor) computed at `at`, then
// combined. With one chain per row vector, every key would wait on the
// previous add's (or max's) latency; 4 chains × the row vectors fill the
// pipelines. Returns the chains' stage, for a caller that must bound its
// storage.
inline Halide::Func reduce_rows_in_chains(Halide::Func reduction, const Halide::RVar &over, const Halide::Var &row,
                                          int vector, const Halide::LoopLevel &at) {
  constexpr int chains = 4;
  Halide::RVar keys_outer("keys_outer"), keys_inner("keys_inner");
  Halide::Var chain("chain");
  Halide::Func partial = reduction.update().split(over, keys_outer, keys_inner, chains).rfactor(keys_inner, chain);
  partial.compute_at(at).vectorize(row, vector);
  partial.update().reorder(chain, row, keys_outer).vectorize(row, vector).unroll(chain).unroll(row);
  reduction.update().reorder(row, keys_inner).vectorize(row, vector);
  return partial;
}

} // namespace attnforge::schedules
