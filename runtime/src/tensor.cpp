#include "attnforge/tensor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "attnforge/error.hpp"

namespace attnforge {

const char *to_string(Device device) {
  switch (device) {
    case Device::CPU: return "cpu";
    case Device::CUDA: return "cuda";
  }
  return "unknown";
}

std::size_t size_of(DType dtype) {
  switch (dtype) {
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: return 2;
    case DType::U8: return 1;
  }
  return 0;
}

TensorView TensorView::contiguous(void *data, DType dtype, std::initializer_list<int64_t> shape,
                                  Device device) {
  TensorView view;
  if (shape.size() > view.shape.size()) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("TensorView::contiguous: at most {} dimensions, got {}", view.shape.size(),
                            shape.size()));
  }
  view.data = data;
  view.dtype = dtype;
  view.device = device;
  view.rank = static_cast<int>(shape.size());
  std::copy(shape.begin(), shape.end(), view.shape.begin());
  int64_t stride = 1;
  for (int dim = view.rank - 1; dim >= 0; --dim) {
    view.strides[dim] = stride;
    stride *= view.shape[dim];
  }
  return view;
}

TensorView TensorView::permuted(std::initializer_list<int> order) const {
  std::vector<int> dims(order);
  std::vector<int> sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  bool is_permutation = static_cast<int>(dims.size()) == rank;
  for (int i = 0; is_permutation && i < rank; ++i) is_permutation = sorted[i] == i;
  if (!is_permutation) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("TensorView::permuted: {{{}}} is not a permutation of the {} dimensions",
                            fmt::join(dims, ", "), rank));
  }
  TensorView view = *this;
  for (int i = 0; i < rank; ++i) {
    view.shape[i] = shape[dims[i]];
    view.strides[i] = strides[dims[i]];
  }
  return view;
}

int64_t TensorView::element_count() const {
  int64_t count = 1;
  for (int dim = 0; dim < std::clamp(rank, 0, 4); ++dim) count *= shape[dim];
  return count;
}

} // namespace attnforge
