// Block layouts for the `sparse` kernel: which key blocks each query block
// visits, in the compressed form FlexAttention's BlockMask and Triton's
// block-sparse kernels use. Build one from the fixed patterns, or check one
// you built yourself, before passing it as the kernel's block_count,
// block_index and block_full tensors. See docs/sparse.md for the semantics.
//
// One layout serves every batch entry and head of a call ([Nqb] counts,
// [Nqb, Mb] indices): per-head layouts are not supported yet.
#pragma once

#include <cstdint>
#include <vector>

#include "attnforge/tensor.hpp"

namespace attnforge {

// The sparse kernel's pattern parameters, under the kernel's names. Query i
// sits at position p = i + Nk − Nq (aligned bottom-right, as causal is);
// δ = p − j. A pair is allowed by the union of the enabled parts, intersected
// with causal; with no part enabled every pair is (block layouts then decide).
struct SparsePattern {
  int64_t window_left = -1;     // local part: δ ≤ window_left; −1 (with window_right −1): no local part
  int64_t window_right = -1;    // local part: −δ ≤ window_right; a side at −1 counts as 0
  int64_t stride = 0;           // strided part: δ ≡ 0 (mod stride); 0: none
  bool stride_one_sided = false; // strided part only where δ ≥ 0
  int64_t num_global = 0;       // keys j < num_global and queries with p < num_global see / are seen by all
  bool causal = false;          // δ ≥ 0, intersected with everything

  bool has_window() const { return window_left >= 0 || window_right >= 0; }
  // Whether any part (local, strided, global) is enabled; causal is not a part.
  bool any_part() const { return has_window() || stride > 0 || num_global > 0; }
  // Whether the pattern allows query i to see key j (kv_len aside).
  bool allows(int64_t i, int64_t j, int64_t queries, int64_t keys) const;
};

// Per query block, the ascending list of key blocks to visit, and per listed
// block whether every pair in it is allowed (so the kernel can skip the
// element mask there). Slots past a row's count are unused and hold 0.
struct BlockLayout {
  int64_t block_size = 0;
  int64_t queries = 0;    // Nq
  int64_t keys = 0;       // Nk
  int64_t max_blocks = 1; // Mb: slots per row, at least 1 so the tensors are never empty
  std::vector<int32_t> counts;  // [Nqb]
  std::vector<int32_t> indices; // [Nqb, Mb], row-major
  std::vector<uint8_t> full;    // [Nqb, Mb], row-major, 1 = every pair of that block is allowed

  int64_t query_blocks() const { return static_cast<int64_t>(counts.size()); }
  int64_t key_blocks() const { return (keys + block_size - 1) / block_size; }
  int64_t visited_blocks() const;
  // Visited blocks over all Nqb × Nkb blocks: the fraction of work the kernel does.
  double density() const;

  // Views of the vectors above, as the kernel's block_count, block_index and
  // block_full tensors. Valid while this layout lives and is not resized.
  TensorView count_view() const;
  TensorView index_view() const;
  TensorView full_view() const;
};

// Where the strided part's pairs are visited. In blocks, a strided block costs
// a whole block for at most a few allowed pairs per row; the sparse kernel can
// instead visit each row's stride class itself (its strided_per_row input),
// and then the layout needs only the blocks of the other parts. The kernel
// runs its row path only for layouts the plugin builds: a PerRow layout passed
// in as the caller's own would simply leave the strided pairs out.
enum class StridedPairs { InBlocks, PerRow };

// Where the sparse plugin puts the strided pairs of a layout it builds itself
// (no block_count/block_index given): on its row path for strides from
// kStridedPerRowFrom (measured in plugins/sparse/sparse_plugin.cpp) up to Nk.
// The row path keeps one state per stride class, so a stride past Nk, whose
// classes hold at most one key each, stays in blocks (the diagonal ones).
inline constexpr int64_t kStridedPerRowFrom = 8;
inline StridedPairs strided_pairs_of_built_layout(const SparsePattern &pattern, int64_t keys) {
  const bool per_row = pattern.stride >= kStridedPerRowFrom && pattern.stride <= keys;
  return per_row ? StridedPairs::PerRow : StridedPairs::InBlocks;
}

// The layout of `pattern` over an Nq × Nk problem: every block holding at
// least one allowed pair (of the parts other than the strided one, with
// StridedPairs::PerRow), flagged full where one part alone allows all of it.
// Throws Error(InvalidArgument) for a block size < 1, Nq or Nk < 1, or
// negative pattern values other than the windows' −1.
BlockLayout build_block_layout(const SparsePattern &pattern, int64_t queries, int64_t keys, int64_t block_size,
                               StridedPairs strided = StridedPairs::InBlocks);

// Checks a caller's layout tensors for an Nq × Nk problem: block_count i32
// [Nqb] with Nqb = ⌈Nq / block_size⌉, block_index i32 [Nqb, Mb], block_full
// (may be absent) u8 [Nqb, Mb], all host tensors; every count in [0, Mb]; each
// row's first `count` indices in [0, Nkb), ascending, without duplicates.
// Throws Error(InvalidArgument) naming the tensor, the row and what is wrong.
void validate_block_layout(const TensorView &block_count, const TensorView &block_index,
                           const TensorView &block_full, int64_t queries, int64_t keys, int64_t block_size);

} // namespace attnforge
