// Fixed-size intermediate stages on the stack.
//
// A stage computed once per tile, whose region Halide cannot prove constant
// (a ragged last tile, a clamped index), gets a heap block per tile. Blocks
// of a few tens of KB cost a malloc and free each time; larger ones are
// given back to the system and faulted in again on the next tile. Bounding
// the storage to the tile's full size lets it live on the stack instead.
#pragma once

#include <initializer_list>
#include <utility>

#include "Halide.h"

namespace attnforge::schedules {

inline void store_on_stack(Halide::Func stage, std::initializer_list<std::pair<Halide::Var, int>> extents) {
  for (const auto &[dimension, extent] : extents) stage.bound_storage(dimension, extent);
  stage.store_in(Halide::MemoryType::Stack);
}

} // namespace attnforge::schedules
