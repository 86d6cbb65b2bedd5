#include "attnforge/reference/error_metric.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "attnforge/reference/tensor_access.hpp"

namespace attnforge::reference {

double relative_l2_error(const TensorView &out, const DoubleTensor &ref) {
  require_host_view(out, "out", DType::F32, 4);
  for (int axis = 0; axis < 4; ++axis) {
    if (out.shape[axis] != ref.shape[axis]) {
      throw std::invalid_argument("relative_l2_error: output and reference shapes differ");
    }
  }
  double difference_squared = 0;
  double reference_squared = 0;
  double output_squared = 0;
  for (int64_t i0 = 0; i0 < ref.shape[0]; ++i0)
    for (int64_t i1 = 0; i1 < ref.shape[1]; ++i1)
      for (int64_t i2 = 0; i2 < ref.shape[2]; ++i2)
        for (int64_t i3 = 0; i3 < ref.shape[3]; ++i3) {
          const double got = load_f32(out, i0, i1, i2, i3);
          const double expected = ref.at(i0, i1, i2, i3);
          if (!std::isfinite(got) || !std::isfinite(expected)) {
            return std::numeric_limits<double>::infinity();
          }
          difference_squared += (got - expected) * (got - expected);
          reference_squared += expected * expected;
          output_squared += got * got;
        }
  if (reference_squared == 0) return std::sqrt(output_squared);
  return std::sqrt(difference_squared / reference_squared);
}

double error_budget(DType dtype) {
  switch (dtype) {
    case DType::F16:
    case DType::BF16:
      return 1e-2;
    default:
      return 1e-5;
  }
}

} // namespace attnforge::reference
