// Calling an AOT-compiled Halide pipeline from an af_call: ABI tensors become
// halide_buffer_t views of the same memory (Halide orders dimensions
// innermost first, the ABI outermost first), and a Halide failure becomes an
// af_status with Halide's own message, whichever thread raised it.
#pragma once

#include <cstddef>

#include "HalideRuntime.h"
#include "attnforge/halide_errors.h"
#include "attnforge/plugin_abi.h"

namespace attnforge::plugins {

// A halide_buffer_t with room for its dimensions, viewing an af_tensor.
class HalideView {
 public:
  explicit HalideView(const af_tensor &tensor);
  // A 1-D int32 view of caller-supplied storage (for defaults such as kv_len).
  HalideView(int32_t *data, int64_t count);
  HalideView(const HalideView &) = delete;
  HalideView &operator=(const HalideView &) = delete;
  halide_buffer_t *get() { return &buffer_; }

 private:
  halide_buffer_t buffer_{};
  halide_dimension_t dims_[AF_MAX_RANK]{};
};

// Halide buffers index with 32-bit extents and strides; a call whose tensors
// need more is refused here (AF_ERROR_UNSUPPORTED, naming the tensor) rather
// than silently truncated. Every Halide-backed variant's check calls this.
int32_t check_halide_index_range(const af_call *call, const af_tensor_spec *specs, char *message, size_t capacity);

// Collects one pipeline call's error from whichever thread raises it: pass
// context() as the pipeline's user_context.
class HalideErrors {
 public:
  void *context() { return &sink_; }
  const char *message() const { return sink_.message; }

 private:
  attnforge_halide_error_sink sink_{ATTNFORGE_HALIDE_ERROR_SINK_TAG, 0, ""};
};

// Turns a Halide pipeline's return code into an af_status, writing the
// call's error message (or the code) into `message`.
int32_t halide_status(int halide_result, const HalideErrors &errors, char *message, size_t capacity);

// Writes a formatted message into a caller's buffer, always terminated.
void write_message(char *message, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

} // namespace attnforge::plugins
