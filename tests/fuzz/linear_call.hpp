// A call of the `linear` kernel decoded from fuzzer bytes: a valid problem
// (shapes, memory order, masks, feature map, eps, a pinned variant or the
// dispatcher), or that problem broken in exactly one way, with the error the
// runtime must answer it with.
#pragma once

#include <cstdint>
#include <span>

#include "call_rules.hpp"

namespace attnforge::fuzz {

// Each way a call can break the contract (DESIGN.md, "Errors and safety").
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
  HeadsUneven,           // Hq not a multiple of Hkv
  HeadDimMismatch,       // k's D differs from q's
  KeyCountMismatch,      // v's Nk differs from k's
  OutAliasesInput,       // out shares memory with q
  OutStrideZero,         // two output elements at one address
  OutRowsOverlap,        // out's Nq stride inside its Dv reach
  NegativeStride,        // q, k, v or out walked backwards
  UnknownParam,          // a parameter name the kernel does not take
  UnknownTensor,         // a tensor name the kernel does not take
  CoreTensorInExtras,    // q passed in Arguments::tensors
  MissingTensor,         // k without data
  WrongRank,             // q of three dimensions
  EmptyDimension,        // Nq = 0
  QueriesNotF32,         // q of f16
  QueriesOnCuda,         // q on a device no variant here runs on
  Count,
};
constexpr int kLinearBreakageCount = static_cast<int>(LinearBreakage::Count);
const char *to_string(LinearBreakage breakage);

// The call `bytes` decode to, inputs drawn, arguments broken as decoded,
// with its reference. The first decision picks the breakage: half of all byte
// strings decode to valid calls.
FuzzedCall fuzzed_linear_call(const Registry &registry, std::span<const uint8_t> bytes);

} // namespace attnforge::fuzz
