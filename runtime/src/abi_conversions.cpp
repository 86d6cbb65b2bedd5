#include "abi_conversions.hpp"

namespace attnforge::detail {

std::optional<DType> dtype_from_abi(int32_t code) {
  switch (code) {
    case AF_DTYPE_F32: return DType::F32;
    case AF_DTYPE_F16: return DType::F16;
    case AF_DTYPE_BF16: return DType::BF16;
    case AF_DTYPE_I32: return DType::I32;
    case AF_DTYPE_U8: return DType::U8;
    default: return std::nullopt;
  }
}

std::optional<Device> device_from_abi(int32_t code) {
  switch (code) {
    case AF_DEVICE_CPU: return Device::CPU;
    case AF_DEVICE_CUDA: return Device::CUDA;
    default: return std::nullopt;
  }
}

std::optional<ParamInfo::Kind> param_kind_from_abi(int32_t code) {
  switch (code) {
    case AF_PARAM_BOOL: return ParamInfo::Kind::Bool;
    case AF_PARAM_INT: return ParamInfo::Kind::Int;
    case AF_PARAM_FLOAT: return ParamInfo::Kind::Float;
    default: return std::nullopt;
  }
}

int32_t to_abi(DType dtype) {
  switch (dtype) {
    case DType::F32: return AF_DTYPE_F32;
    case DType::F16: return AF_DTYPE_F16;
    case DType::BF16: return AF_DTYPE_BF16;
    case DType::I32: return AF_DTYPE_I32;
    case DType::U8: return AF_DTYPE_U8;
  }
  return 0;
}

int32_t to_abi(Device device) {
  switch (device) {
    case Device::CPU: return AF_DEVICE_CPU;
    case Device::CUDA: return AF_DEVICE_CUDA;
  }
  return 0;
}

} // namespace attnforge::detail
