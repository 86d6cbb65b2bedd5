#include "halide_call.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>

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
    // A size-1 dimension's stride is only ever multiplied by 0, so any value
    // will do: 1 keeps huge (legal) strides there out of Halide's 32 bits and
    // satisfies pipelines that require a unit innermost stride.
    const int64_t stride = tensor.shape[from] == 1 ? 1 : tensor.strides[from];
    dims_[axis] = halide_dimension_t(0, static_cast<int32_t>(tensor.shape[from]), static_cast<int32_t>(stride));
  }
}

HalideView::HalideView(int32_t *data, int64_t count) {
  buffer_.host = reinterpret_cast<uint8_t *>(data);
  buffer_.type = halide_type_t(halide_type_int, 32);
  buffer_.dimensions = 1;
  buffer_.dim = dims_;
  dims_[0] = halide_dimension_t(0, static_cast<int32_t>(count), 1);
}

int32_t check_halide_index_range(const af_call *call, const af_tensor_spec *specs, char *message,
                                 size_t capacity) {
  constexpr int64_t kLimit = INT32_MAX;
  for (int32_t t = 0; t < call->tensor_count; ++t) {
    const af_tensor &tensor = call->tensors[t];
    if (tensor.data == nullptr) continue;
    int64_t last_element = 0;
    for (int axis = 0; axis < tensor.rank; ++axis) {
      if (tensor.shape[axis] == 1) continue; // its stride is never used (HalideView passes 1)
      last_element += (tensor.shape[axis] - 1) * tensor.strides[axis];
      if (tensor.shape[axis] > kLimit || tensor.strides[axis] > kLimit || last_element > kLimit) {
        write_message(message, capacity,
                      "argument '%s': Halide kernels index with 32 bits, but this tensor spans %lld elements "
                      "along dimension %d (at most %lld)",
                      specs[t].name, static_cast<long long>(last_element + 1), axis, static_cast<long long>(kLimit));
        return AF_ERROR_UNSUPPORTED;
      }
    }
  }
  return AF_OK;
}

void write_message(char *message, size_t capacity, const char *format, ...) {
  if (message == nullptr || capacity == 0) return;
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, capacity, format, args);
  va_end(args);
}

int32_t halide_status(int halide_result, const HalideErrors &errors, char *message, size_t capacity) {
  if (halide_result == 0) return AF_OK;
  // The call's own sink sees errors from every thread; the calling thread's
  // last error covers a runtime function that reported without the context.
  const char *halide_message = *errors.message() ? errors.message() : attnforge_last_halide_error();
  write_message(message, capacity, "the Halide pipeline failed (code %d): %s", halide_result,
                *halide_message ? halide_message : "no message");
  attnforge_clear_halide_error();
  return AF_ERROR_RUNTIME;
}

} // namespace attnforge::plugins
