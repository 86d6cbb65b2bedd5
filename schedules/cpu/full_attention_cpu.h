// CPU schedule for full attention: its tunables, declared once here and read
// both by the build (from schedules/tuned/<target>/full.json) and the tuner.
#pragma once

#include "Halide.h"

#include "full_attention_stages.h"

namespace attnforge::schedules {

struct FullAttentionCpuTunables {
  // Query rows held in registers at once while a k or v row streams past.
  Halide::GeneratorParam<int> row_block{"row_block", 4};
  // Key vectors per register block of the q·k product.
  Halide::GeneratorParam<int> key_vectors{"key_vectors", 2};
  // 0: the target's natural float vector width (16 on AVX-512, 8 on AVX2).
  Halide::GeneratorParam<int> vector_width{"vector_width", 0};
};

void schedule_full_attention_cpu(FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                                 const Halide::Target &target);

} // namespace attnforge::schedules
