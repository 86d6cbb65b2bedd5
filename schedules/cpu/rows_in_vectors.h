// Register blocking for the softmax-attention schedules (full, sparse), whose
// vectors run across query rows: a stage update(column, row) that accumulates
// over `over` keeps `rows` rows (rows / vector vectors) × `columns` columns in
// registers while `over` runs, the columns as broadcast scalars.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

inline void block_rows_by_columns(Halide::Stage update, const Halide::Var &row, int rows, const Halide::Var &column,
                                  int columns, const Halide::VarOrRVar &over, int vector) {
  Halide::Var rows_outer("rows_outer"), rows_inner("rows_inner"), columns_outer("columns_outer"),
      columns_inner("columns_inner");
  update.split(row, rows_outer, rows_inner, rows)
      .split(column, columns_outer, columns_inner, columns, Halide::TailStrategy::GuardWithIf)
      .reorder(rows_inner, columns_inner, over, columns_outer, rows_outer)
      .vectorize(rows_inner, vector)
      .unroll(rows_inner)
      .unroll(columns_inner);
}

} // namespace attnforge::schedules
