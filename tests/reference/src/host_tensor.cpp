#include "attnforge/reference/host_tensor.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "attnforge/reference/tensor_access.hpp"

namespace attnforge::reference {
namespace {

constexpr float kPoison = std::numeric_limits<float>::quiet_NaN();

template <typename Visit>
void for_each_offset(const TensorView &view, Visit visit) {
  for (int64_t i0 = 0; i0 < view.shape[0]; ++i0)
    for (int64_t i1 = 0; i1 < (view.rank > 1 ? view.shape[1] : 1); ++i1)
      for (int64_t i2 = 0; i2 < (view.rank > 2 ? view.shape[2] : 1); ++i2)
        for (int64_t i3 = 0; i3 < (view.rank > 3 ? view.shape[3] : 1); ++i3)
          visit(offset_of(view, i0, i1, i2, i3));
}

} // namespace

const char *to_string(MemoryOrder order) {
  return order == MemoryOrder::BHND ? "bhnd" : "bnhd";
}

HostTensor HostTensor::attention_operand(std::array<int64_t, 4> bhnd, MemoryOrder order,
                                         int64_t row_padding) {
  const auto [batch, heads, length, dim] = bhnd;
  if (batch < 0 || heads < 0 || length < 0 || dim < 0 || row_padding < 0) {
    throw std::invalid_argument("attention_operand: negative size");
  }
  const int64_t row = dim + row_padding;
  HostTensor tensor;
  tensor.f32_.assign(static_cast<size_t>(batch * heads * length * row), kPoison);
  TensorView &view = tensor.view_;
  view.data = tensor.f32_.data();
  view.dtype = DType::F32;
  view.device = Device::CPU;
  view.rank = 4;
  view.shape = bhnd;
  if (order == MemoryOrder::BHND) {
    view.strides = {heads * length * row, length * row, row, 1};
  } else {
    view.strides = {length * heads * row, row, heads * row, 1};
  }
  return tensor;
}

HostTensor HostTensor::int32(const std::vector<int32_t> &values) {
  HostTensor tensor;
  tensor.i32_ = values;
  TensorView &view = tensor.view_;
  view.data = tensor.i32_.data();
  view.dtype = DType::I32;
  view.device = Device::CPU;
  view.rank = 1;
  view.shape = {static_cast<int64_t>(values.size()), 0, 0, 0};
  view.strides = {1, 0, 0, 0};
  return tensor;
}

HostTensor HostTensor::uint8(std::vector<uint8_t> values, int64_t rows, int64_t columns) {
  if (rows < 0 || columns < 0 || static_cast<int64_t>(values.size()) != rows * columns) {
    throw std::invalid_argument("uint8: values do not fill rows x columns");
  }
  HostTensor tensor;
  tensor.u8_ = std::move(values);
  TensorView &view = tensor.view_;
  view.data = tensor.u8_.data();
  view.dtype = DType::U8;
  view.device = Device::CPU;
  view.rank = 2;
  view.shape = {rows, columns, 0, 0};
  view.strides = {columns, 1, 0, 0};
  return tensor;
}

void HostTensor::fill_normal(Random &random) {
  if (f32_.empty()) return;
  for_each_offset(view_, [&](int64_t offset) { f32_[offset] = random.normal(); });
}

void HostTensor::poison() { f32_.assign(f32_.size(), kPoison); }

int64_t HostTensor::written_outside_view() const {
  std::vector<bool> inside(f32_.size(), false);
  if (!f32_.empty()) for_each_offset(view_, [&](int64_t offset) { inside[offset] = true; });
  int64_t written = 0;
  for (size_t i = 0; i < f32_.size(); ++i) {
    if (!inside[i] && f32_[i] == f32_[i]) ++written;  // NaN != NaN
  }
  return written;
}

void poison(const TensorView &view) {
  require_host_view(view, "poisoned tensor", DType::F32, view.rank);
  auto *data = static_cast<float *>(view.data);
  for_each_offset(view, [&](int64_t offset) { data[offset] = kPoison; });
}

} // namespace attnforge::reference
