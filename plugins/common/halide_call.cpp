#include "halide_call.h"

#include <cstdarg>
#include <cstdio>

#include "attnforge/halide_errors.h"

namespace attnforge::plugins {

namespace {
halide_type_t halide_type_of(int32_t dtype) {
  switch (dtype) {
    case AF_DTYPE_F32: return halide_type_t(halide_type_float, 32);
    case AF_DTYPE_F16: return halide_type_t(halide_type_float, 16);
    case AF_DTYPE_BF16: return halide_type_t(halide_type_bfloat, 16);
    case AF_DTYPE_I32: return halide_type_t(halide_type_int, 32);
    default: return halide_type_t(halide_type_uint, 8);
  }
}
} // namespace

HalideView::HalideView(const af_tensor &tensor) {
  buffer_.host = static_cast<uint8_t *>(tensor.data);
  buffer_.type = halide_type_of(tensor.dtype);
  buffer_.dimensions = tensor.rank;
  buffer_.dim = dims_;
  for (int axis = 0; axis < tensor.rank; ++axis) {
    const int from = tensor.rank - 1 - axis;
    dims_[axis] = halide_dimension_t(0, static_cast<int32_t>(tensor.shape[from]),
                                     static_cast<int32_t>(tensor.strides[from]));
  }
}

HalideView::HalideView(int32_t *data, int64_t count) {
  buffer_.host = reinterpret_cast<uint8_t *>(data);
  buffer_.type = halide_type_t(halide_type_int, 32);
  buffer_.dimensions = 1;
  buffer_.dim = dims_;
  dims_[0] = halide_dimension_t(0, static_cast<int32_t>(count), 1);
}

void write_message(char *message, size_t capacity, const char *format, ...) {
  if (message == nullptr || capacity == 0) return;
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, capacity, format, args);
  va_end(args);
}

int32_t halide_status(int halide_result, char *message, size_t capacity) {
  if (halide_result == 0) return AF_OK;
  const char *halide_message = attnforge_last_halide_error();
  write_message(message, capacity, "the Halide pipeline failed (code %d): %s", halide_result,
                halide_message && *halide_message ? halide_message : "no message");
  attnforge_clear_halide_error();
  return AF_ERROR_RUNTIME;
}

} // namespace attnforge::plugins
