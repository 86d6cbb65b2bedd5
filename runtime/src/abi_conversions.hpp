// Translations between the plugin ABI's integer codes and the C++ enums.
// Codes come from plugins, so every translation can fail.
#pragma once

#include <cstdint>
#include <optional>

#include "attnforge/plugin_abi.h"
#include "attnforge/registry.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::detail {

std::optional<DType> dtype_from_abi(int32_t code);
std::optional<Device> device_from_abi(int32_t code);
std::optional<ParamInfo::Kind> param_kind_from_abi(int32_t code);

int32_t to_abi(DType dtype);
int32_t to_abi(Device device);

} // namespace attnforge::detail
