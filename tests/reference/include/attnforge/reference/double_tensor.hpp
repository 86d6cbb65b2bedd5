// The references' results: dense, row-major, in double.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace attnforge::reference {

struct DoubleTensor {
  std::array<int64_t, 4> shape{};
  std::vector<double> values;  // row-major over `shape`

  static DoubleTensor zeros(std::array<int64_t, 4> shape) {
    DoubleTensor tensor{shape, {}};
    tensor.values.assign(static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3]), 0.0);
    return tensor;
  }

  int64_t index(int64_t i0, int64_t i1, int64_t i2, int64_t i3) const {
    return ((i0 * shape[1] + i1) * shape[2] + i2) * shape[3] + i3;
  }
  double &at(int64_t i0, int64_t i1, int64_t i2, int64_t i3) { return values[index(i0, i1, i2, i3)]; }
  double at(int64_t i0, int64_t i1, int64_t i2, int64_t i3) const {
    return values[index(i0, i1, i2, i3)];
  }
};

} // namespace attnforge::reference
