// CPU schedule for linear attention: its tunables, declared once here and
// read both by the build (from schedules/tuned/<target>/linear.json) and the
// tuner.
#pragma once

#include "Halide.h"

#include "linear_attention_stages.h"

namespace attnforge::schedules {

struct LinearAttentionCpuTunables {
  // Query rows one parallel task owns; their φ(q) stays in L1 across stages.
  Halide::GeneratorParam<int> query_tile{"query_tile", 64};
  // Query rows held in registers while a context or value row streams past.
  Halide::GeneratorParam<int> row_block{"row_block", 4};
  // Feature rows of φ(k)⊗v accumulated in registers at once.
  Halide::GeneratorParam<int> feature_block{"feature_block", 4};
  // Keys of a tile taken at a time across all feature blocks of φ(k)⊗v, so
  // that v streams in through the tile (0: the whole tile per feature block).
  Halide::GeneratorParam<int> keys_per_value_chunk{"keys_per_value_chunk", 0};
  // 0: the target's natural float vector width (16 on AVX-512, 8 on AVX2).
  Halide::GeneratorParam<int> vector_width{"vector_width", 0};
};

void schedule_linear_attention_cpu(LinearAttentionStages &s, const LinearAttentionCpuTunables &tunables,
                                   const Halide::Target &target);

} // namespace attnforge::schedules
