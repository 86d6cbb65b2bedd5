// A call of the `linear` kernel decoded from fuzzer bytes: a valid problem
// (shapes, memory order, masks, feature map, eps, a pinned variant or the
// dispatcher), or that problem broken in exactly one way, with the error the
// runtime must answer it with.
#pragma once

#include <cstdint>
#include <span>

#include "call_rules.hpp"

namespace attnforge::fuzz {

// Each way a call can break linear's own contract (its parameters and extra
// tensors); the tensor breakages every kernel shares (tensor_breakage.hpp)
// follow them.
enum class LinearBreakage {
  None,
  EpsOutOfRange,         // eps ≤ 0, above its range, NaN or inf
  FeatureMapUnknown,     // not 0, 1 or 2
  CausalNotBoolean,      // causal = 2, 0.5, ...
  SoftmaxCausal,         // a combination the kernel does not define
  KeyLengthOutOfRange,   // a kv_len value < 0 or > Nk
  KeyLengthWrongShape,   // kv_len with B + 1 entries
  KeyMaskWrongShape,     // key_mask of [B, Nk + 1], [B + 1, Nk] or rank 1
  KeyMaskWrongDtype,     // key_mask of i32
  UnknownParam,          // a parameter name the kernel does not take
  Count,
};
constexpr int kLinearBreakageCount = static_cast<int>(LinearBreakage::Count);
const char *to_string(LinearBreakage breakage);

// The call `bytes` decode to, inputs drawn, arguments broken as decoded,
// with its reference. The first decision picks the breakage, linear's own or
// a tensor breakage: half of all byte strings decode to valid calls.
FuzzedCall fuzzed_linear_call(const Registry &registry, std::span<const uint8_t> bytes);

} // namespace attnforge::fuzz
