// CPU schedule for sparse attention: its tunables, declared once here and
// read both by the build (from schedules/tuned/<target>/sparse.json) and the
// tuner. The block size itself is the layout's, so it is not a tunable here.
#pragma once

#include "Halide.h"

#include "sparse_attention_stages.h"

namespace attnforge::schedules {

struct SparseAttentionCpuTunables {
  // Rows per register block (a multiple of the vector width dividing the
  // block size); 0: all rows of a query block.
  Halide::GeneratorParam<int> rows_per_register_block{"rows_per_register_block", 0};
  // Keys per register block of q·k: each adds one broadcast k element and
  // (rows_per_register_block / vector) accumulators.
  Halide::GeneratorParam<int> keys_per_register_block{"keys_per_register_block", 6};
  // Value features per register block of weights·v, likewise.
  Halide::GeneratorParam<int> values_per_register_block{"values_per_register_block", 6};
  // 0: the target's natural float vector width (16 on AVX-512, 8 on AVX2).
  Halide::GeneratorParam<int> vector_width{"vector_width", 0};
};

void schedule_sparse_attention_cpu(SparseAttentionStages &s, const SparseAttentionCpuTunables &tunables,
                                   const Halide::Target &target);

} // namespace attnforge::schedules
