#include "call_bridge.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <vector>

#include "abi_conversions.hpp"
#include "argument_lookup.hpp"
#include "attnforge/halide_errors.h"

namespace attnforge::detail {
namespace {

af_tensor to_abi_tensor(const TensorView &view) {
  af_tensor tensor{};
  tensor.data = view.data;
  tensor.dtype = to_abi(view.dtype);
  tensor.device = to_abi(view.device);
  tensor.rank = view.rank;
  for (int dim = 0; dim < view.rank; ++dim) {
    tensor.shape[dim] = view.shape[dim];
    tensor.strides[dim] = view.strides[dim];
  }
  return tensor;
}

// Tensors in the variant's spec order; an absent optional one has data NULL.
std::vector<af_tensor> abi_tensors(const VariantInfo &info, const Arguments &arguments) {
  std::vector<af_tensor> tensors;
  for (const TensorInfo &spec : info.tensors) {
    const TensorView *view = find_tensor(arguments, spec.name);
    if (view != nullptr && view->present()) {
      tensors.push_back(to_abi_tensor(*view));
    } else {
      af_tensor absent{};
      absent.dtype = to_abi(spec.dtype);
      absent.device = to_abi(info.device);
      tensors.push_back(absent);
    }
  }
  return tensors;
}

// Parameters in spec order, unset ones at their default (NaN: the kernel derives it).
std::vector<double> abi_params(const VariantInfo &info, const Arguments &arguments) {
  std::vector<double> params;
  for (const ParamInfo &spec : info.params) {
    const auto given = arguments.params.find(spec.name);
    params.push_back(given == arguments.params.end() ? spec.default_value : given->second);
  }
  return params;
}

ErrorCategory category_of(int32_t status) {
  switch (status) {
    case AF_ERROR_INVALID_ARGUMENT: return ErrorCategory::InvalidArgument;
    case AF_ERROR_UNSUPPORTED: return ErrorCategory::Unsupported;
    default: return ErrorCategory::Runtime;
  }
}

[[noreturn]] void throw_failure(const VariantInfo &info, const char *stage, int32_t status, const char *message) {
  std::string text = message;
  const std::string halide_error = attnforge_last_halide_error();
  // The plugin's words first; Halide's own text says what actually broke.
  if (!halide_error.empty() && text.find(halide_error) == std::string::npos) {
    text = text.empty() ? halide_error : fmt::format("{} (Halide: {})", text, halide_error);
  }
  if (status != AF_ERROR_INVALID_ARGUMENT && status != AF_ERROR_UNSUPPORTED && status != AF_ERROR_RUNTIME) {
    text = fmt::format("{} returned unknown status {}{}{}", stage, status, text.empty() ? "" : ": ", text);
  } else if (text.empty()) {
    text = fmt::format("{} failed without a message", stage);
  }
  throw Error(category_of(status), fmt::format("{}: {}", info.id, text));
}

} // namespace

void call_variant(const VariantInfo &info, const af_variant &variant, const Arguments &arguments) {
  const std::vector<af_tensor> tensors = abi_tensors(info, arguments);
  const std::vector<double> params = abi_params(info, arguments);
  af_call call{};
  call.tensors = tensors.data();
  call.tensor_count = static_cast<int32_t>(tensors.size());
  call.params = params.data();
  call.param_count = static_cast<int32_t>(params.size());
  call.stream = arguments.stream;

  std::array<char, 2048> message{};
  attnforge_clear_halide_error(); // only this call's Halide error may reach the message
  if (variant.check != nullptr) {
    const int32_t status = variant.check(&call, message.data(), message.size());
    message.back() = '\0'; // a plugin that fills the buffer may forget the terminator
    if (status != AF_OK) throw_failure(info, "check", status, message.data());
  }
  const int32_t status = variant.run(&call, message.data(), message.size());
  message.back() = '\0';
  if (status != AF_OK) throw_failure(info, "run", status, message.data());
}

} // namespace attnforge::detail
