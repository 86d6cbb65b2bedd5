// CPU schedule for full attention: its tunables, declared once here and read
// both by the build (from schedules/tuned/<target>/full.json) and the tuner.
#pragma once

#include "Halide.h"

#include "full_attention_stages.h"

namespace attnforge::schedules {

struct FullAttentionCpuTunables {
  // Keys per register block of q·k: each adds one broadcast k element and
  // (queries_per_block / vector) accumulators. k's panels are this wide.
  Halide::GeneratorParam<int> keys_per_register_block{"keys_per_register_block", 8};
  // Query rows from which q·k reads k in panels: below it the pass that
  // regroups k costs more than q·k gains.
  Halide::GeneratorParam<int> queries_for_key_panels{"queries_for_key_panels", 2048};
  // weights·v's register blocks: value features (a multiple of the vector
  // width, the vectors running along them) × query rows (each a broadcast
  // weight), values / vector × rows accumulators.
  Halide::GeneratorParam<int> values_per_register_block{"values_per_register_block", 64};
  Halide::GeneratorParam<int> queries_per_value_register_block{"queries_per_value_register_block", 6};
  // Keys of a tile taken at a time across all register blocks of weights·v,
  // so that v streams in through the tile (0: the whole tile per block).
  Halide::GeneratorParam<int> keys_per_value_chunk{"keys_per_value_chunk", 0};
  // 0: the target's natural float vector width (16 on AVX-512, 8 on AVX2).
  Halide::GeneratorParam<int> vector_width{"vector_width", 0};
};

void schedule_full_attention_cpu(FullAttentionStages &s, const FullAttentionCpuTunables &tunables,
                                 const Halide::Target &target);

} // namespace attnforge::schedules
