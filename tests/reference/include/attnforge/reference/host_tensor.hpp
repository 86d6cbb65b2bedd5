// Host tensors that own their memory and hand out attnforge::TensorView.
// Attention operands are logically [B, H, N, D]; their memory can instead be
// [B, N, H, D] (the layout most models keep), reached through strides, and
// rows can be padded. Padding is filled with NaN so that a kernel reading past
// a row, or an unwritten output element, turns the error into +inf.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "attnforge/reference/cache_line_allocator.hpp"
#include "attnforge/reference/random.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::reference {

enum class MemoryOrder {
  BHND,  // [B, H, N, D] memory: dense view
  BNHD,  // [B, N, H, D] memory: heads interleaved along the sequence
};

const char *to_string(MemoryOrder order);  // "bhnd", "bnhd"

class HostTensor {
 public:
  HostTensor() = default;
  HostTensor(HostTensor &&) noexcept = default;
  HostTensor &operator=(HostTensor &&) noexcept = default;
  HostTensor(const HostTensor &) = delete;
  HostTensor &operator=(const HostTensor &) = delete;

  // A logical [B, H, N, D] f32 tensor stored in `order`, each D-row followed
  // by `row_padding` unused elements. Every element, padding included, is NaN.
  static HostTensor attention_operand(std::array<int64_t, 4> bhnd, MemoryOrder order,
                                      int64_t row_padding = 0);
  // A dense rank-1 i32 tensor (per-batch key lengths, ...).
  static HostTensor int32(const std::vector<int32_t> &values);
  // A dense rank-2 u8 tensor of `rows` × `columns` (key masks [B, Nk]).
  static HostTensor uint8(std::vector<uint8_t> values, int64_t rows, int64_t columns);

  const TensorView &view() const { return view_; }
  bool present() const { return view_.data != nullptr; }

  // Every element of the view drawn from N(0, 1); padding stays NaN.
  void fill_normal(Random &random);
  // Every stored element, padding included, set to NaN.
  void poison();
  // Stored elements outside the view that are no longer NaN: a kernel that
  // wrote past its output rows.
  int64_t written_outside_view() const;

 private:
  // Operands start on a cache line, as framework tensors do.
  std::vector<float, CacheLineAllocator<float>> f32_;
  std::vector<int32_t> i32_;
  std::vector<uint8_t> u8_;
  TensorView view_{};
};

// Sets every element of a host f32 view to NaN (not the memory between rows).
void poison(const TensorView &view);

} // namespace attnforge::reference
