// A call of the `sparse` kernel decoded from fuzzer bytes: a valid problem
// (shapes, memory order, kv_len, a pattern of local, strided and global
// parts, causal, scale, block size, and no layout, the pattern's own layout
// edited, or a random one with garbage in its unused slots), or that problem
// broken in exactly one way, with the error the runtime must answer it with.
#pragma once

#include <cstdint>
#include <span>

#include "call_rules.hpp"

namespace attnforge::fuzz {

// Each way a call can break sparse's own contract (docs/sparse.md, "Block
// layouts"); the tensor breakages every kernel shares (tensor_breakage.hpp)
// follow them.
enum class SparseBreakage {
  None,
  IndexOutOfRange,          // a listed key block < 0 or ≥ Nkb
  IndicesNotAscending,      // a row listing block 1 before block 0
  DuplicateIndex,           // a row listing one block twice
  CountOutOfRange,          // a count < 0 or > Mb
  LayoutRowsWrong,          // block_count and block_index of Nqb + 1 rows
  LayoutForOtherBlockSize,  // a 128-block layout passed with block_size 64, or the reverse
  FullWrongShape,           // block_full of [Nqb, Mb + 1]
  IndexWrongDtype,          // block_index of f32
  OnlyCount,                // block_count without block_index
  OnlyFull,                 // block_full without block_count and block_index
  PatternOutOfRange,        // window_left −2, window_right 0.5, stride −1, ...
  ScaleOutOfRange,          // scale ≤ 0, NaN or inf
  NoPatternNoLayout,        // nothing to attend to
  BlockSizeNotBuilt,        // a block_size no variant is built for
  Count,
};
constexpr int kSparseBreakageCount = static_cast<int>(SparseBreakage::Count);
const char *to_string(SparseBreakage breakage);

// The call `bytes` decode to, inputs drawn, arguments broken as decoded,
// with its reference. The first decision picks the breakage, sparse's own or
// a tensor breakage: half of all byte strings decode to valid calls.
FuzzedCall fuzzed_sparse_call(const Registry &registry, std::span<const uint8_t> bytes);

} // namespace attnforge::fuzz
