// A call of the `full` kernel decoded from fuzzer bytes: a valid problem
// (shapes, memory order, kv_len, causal, scale, a pinned variant or the
// dispatcher), or that problem broken in exactly one way, with the error the
// runtime must answer it with.
#pragma once

#include <cstdint>
#include <span>

#include "call_rules.hpp"

namespace attnforge::fuzz {

// Each way a call can break full's own contract (its parameters and kv_len);
// the tensor breakages every kernel shares (tensor_breakage.hpp) follow them.
enum class FullBreakage {
  None,
  ScaleOutOfRange,      // scale ≤ 0, NaN, inf or above its range
  CausalNotBoolean,     // causal = 2, 0.5, ...
  KeyLengthOutOfRange,  // a kv_len value < 0 or > Nk
  KeyLengthWrongShape,  // kv_len with B + 1 entries
  KeyLengthWrongDtype,  // kv_len of f32
  UnknownParam,         // a parameter name full does not take (linear's eps, ...)
  Count,
};
constexpr int kFullBreakageCount = static_cast<int>(FullBreakage::Count);
const char *to_string(FullBreakage breakage);

// The call `bytes` decode to, inputs drawn, arguments broken as decoded,
// with its reference. The first decision picks the breakage, full's own or a
// tensor breakage: half of all byte strings decode to valid calls.
FuzzedCall fuzzed_full_call(const Registry &registry, std::span<const uint8_t> bytes);

} // namespace attnforge::fuzz
