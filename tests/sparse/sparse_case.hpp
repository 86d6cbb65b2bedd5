// One sparse-attention problem (`SparseCase`): its inputs, its parameters and
// layout tensors, and its double-precision reference under an explicit dense
// boolean mask that this file derives from docs/sparse.md on its own (not
// from the runtime's layout helpers). Shared by the sparse suites and the
// sparse call fuzzer; no GoogleTest here.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "attnforge/block_layout.hpp"
#include "attnforge/reference/reference.hpp"

namespace attnforge::testing {

using reference::AttentionShape;
using reference::MemoryOrder;

// The layout block sizes the plugin is built for (plugins/sparse/CMakeLists.txt),
// and the one a call that sets no block_size runs with.
constexpr int64_t kBuiltBlockSizes[] = {64, 128};
constexpr int64_t kDefaultBlockSize = 64;

inline int64_t blocks_of(int64_t length, int64_t block_size) { return (length + block_size - 1) / block_size; }

// A caller-supplied layout: per query block, the key blocks (and their full flags).
struct ExplicitLayout {
  std::vector<int32_t> counts;
  int64_t max_blocks = 1;
  std::vector<int32_t> indices; // [Nqb, max_blocks]
  std::vector<uint8_t> full;    // empty: no block_full tensor; else [Nqb, max_blocks]
};

struct SparseCase {
  AttentionShape shape{};
  SparsePattern pattern{}; // its `causal` is the kernel's causal
  double scale = std::nan("");
  std::vector<int32_t> kv_len{};
  MemoryOrder order = MemoryOrder::BHND;
  std::optional<ExplicitLayout> layout{}; // absent: the kernel builds the pattern's
  // The call's block_size param, which the layout's blocks follow. Absent:
  // 64 with a layout; without one the call sets none, so dispatch runs a 64
  // variant and each pinned variant builds the pattern's layout with its own.
  std::optional<int64_t> block_size{};

  int64_t layout_block_size() const { return block_size.value_or(kDefaultBlockSize); }
  reference::InputOptions input_options() const;
  std::string describe() const;
};

// The dense mask of `sparse_case` for batch entry b: mask[i * Nk + j].
std::vector<uint8_t> dense_mask(const SparseCase &sparse_case, int64_t b);

// The kernel's parameters for `sparse_case`.
std::map<std::string, double> params_of(const SparseCase &sparse_case);

// The reference output of the case on `inputs`: softmax attention under
// dense_mask, per batch entry.
reference::DoubleTensor sparse_reference(const SparseCase &sparse_case, const reference::AttentionInputs &inputs);

// Random inputs for the case, layout tensors included (views into `layout`).
reference::AttentionInputs make_sparse_inputs(const SparseCase &sparse_case, reference::Random &random);
// The layout's tensors as arguments, pointing into `layout`.
void add_layout_arguments(const ExplicitLayout &layout, int64_t query_blocks,
                          std::map<std::string, TensorView> &tensors);

} // namespace attnforge::testing
