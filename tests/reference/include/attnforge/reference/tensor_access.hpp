// Element access into caller-owned strided views, shared by every reference.
// The references read inputs through these, so any stride the kernels accept
// (including [B, N, H, D] memory) is read exactly as the kernel must read it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "attnforge/tensor.hpp"

namespace attnforge::reference {

inline int64_t offset_of(const TensorView &view, int64_t i0, int64_t i1 = 0, int64_t i2 = 0,
                         int64_t i3 = 0) {
  return i0 * view.strides[0] + i1 * view.strides[1] + i2 * view.strides[2] + i3 * view.strides[3];
}

inline double load_f32(const TensorView &view, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
  return static_cast<const float *>(view.data)[offset_of(view, i0, i1, i2, i3)];
}

inline int64_t load_i32(const TensorView &view, int64_t i0) {
  return static_cast<const int32_t *>(view.data)[i0 * view.strides[0]];
}

// Throws std::invalid_argument unless `view` is a present CPU tensor of the
// given dtype and rank: a reference fed the wrong thing is a bug in the test.
inline void require_host_view(const TensorView &view, const char *name, DType dtype, int rank) {
  if (view.data == nullptr || view.device != Device::CPU || view.dtype != dtype ||
      view.rank != rank) {
    throw std::invalid_argument(std::string("reference: '") + name +
                                "' must be a host tensor of the expected dtype and rank " +
                                std::to_string(rank));
  }
}

} // namespace attnforge::reference
