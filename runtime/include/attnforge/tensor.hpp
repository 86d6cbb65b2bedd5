// Tensor views: non-owning, strided, up to four dimensions. The caller owns
// the memory; strides count elements, so [B, N, H, D] memory can be passed as
// a [B, H, N, D] view by permuting strides.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace attnforge {

enum class DType { F32, F16, BF16, I32, U8 };
enum class Device { CPU, CUDA };

// Inline, as shape_string below: the sparse plugin compiles the block-layout
// helpers, which name dtypes and shapes in their errors, without linking
// libattnforge.
inline const char *to_string(DType dtype) {
  switch (dtype) {
    case DType::F32: return "f32";
    case DType::F16: return "f16";
    case DType::BF16: return "bf16";
    case DType::I32: return "i32";
    case DType::U8: return "u8";
  }
  return "unknown";
}
const char *to_string(Device device);
std::size_t size_of(DType dtype);

struct TensorView {
  void *data = nullptr;
  DType dtype = DType::F32;
  Device device = Device::CPU;
  int rank = 0;
  std::array<int64_t, 4> shape{};
  std::array<int64_t, 4> strides{};

  // A dense row-major view (last dimension contiguous).
  static TensorView contiguous(void *data, DType dtype, std::initializer_list<int64_t> shape,
                               Device device = Device::CPU);
  // The same memory with dimensions reordered: permuted(view, {0, 2, 1, 3})
  // turns a [B, N, H, D] buffer into a [B, H, N, D] view.
  TensorView permuted(std::initializer_list<int> order) const;

  int64_t element_count() const;
  bool present() const { return data != nullptr; }
  // "[2, 8, 128, 64]". Also describes broken views in error messages, so it
  // never reads past shape.
  std::string shape_string() const {
    if (rank < 0 || rank > static_cast<int>(shape.size())) return "[rank " + std::to_string(rank) + "?]";
    std::string text = "[";
    for (int dim = 0; dim < rank; ++dim) text += (dim ? ", " : "") + std::to_string(shape[dim]);
    return text + "]";
  }
};

} // namespace attnforge
