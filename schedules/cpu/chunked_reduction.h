// Register-blocked reductions whose shared operand should stream in evenly
// (full's weights·v, linear's φ(k)⊗v): a block-by-block loop pulls the whole
// operand in during the first block's pass, in a burst nothing overlaps.
#pragma once

#include "Halide.h"

namespace attnforge::schedules {

// Takes `over` `chunk` at a time across every register block (`blocks`, the
// loop over blocks): the operand then arrives a chunk per pass over the
// blocks, and the accumulators go to memory and back once per chunk.
// `chunk` 0 leaves the loop nest as it is.
inline void reduce_in_chunks_across_blocks(Halide::Stage update, const Halide::VarOrRVar &over, int chunk,
                                           const Halide::VarOrRVar &blocks) {
  if (chunk <= 0) return;
  Halide::RVar chunks("chunks"), in_chunk("in_chunk");
  update.split(over, chunks, in_chunk, chunk).reorder(in_chunk, blocks, chunks);
}

} // namespace attnforge::schedules
