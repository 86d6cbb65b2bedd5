// A call of the `linear` kernel decoded from fuzzer bytes: a valid problem
// (shapes, memory order, masks, feature map, eps, a pinned variant or the
// dispatcher), or that problem broken in exactly one way, with the error the
// runtime must answer it with.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "attnforge/reference/linear_attention.hpp"
#include "attnforge/reference/reference.hpp"
#include "fuzz_bytes.hpp"

namespace attnforge::fuzz {

// Each way a call can break the contract (DESIGN.md, "Errors and safety").
enum class Breakage {
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
constexpr int kBreakageCount = static_cast<int>(Breakage::Count);
const char *to_string(Breakage breakage);

// What a broken call must throw: the category, and a piece of the message
// that names the culprit.
struct ExpectedError {
  ErrorCategory category;
  std::string mentions;
};

struct LinearCall {
  Breakage breakage = Breakage::None;
  reference::AttentionShape shape;
  reference::InputOptions options;
  std::map<std::string, double> params;
  uint64_t seed = 0;             // of the random q, k, v (and key_mask)
  std::string pinned_variant;    // empty: the dispatcher picks
  uint64_t breakage_choice = 0;  // which form of the breakage (which eps, which tensor, ...)

  std::string describe() const;
  ExpectedError expected_error() const;
};

// Reads one call from `bytes`. The first decision picks the breakage: half of
// all byte strings decode to valid calls. `variants` are the usable `linear`
// variants a call may pin.
LinearCall decode_linear_call(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants);

// A call's inputs and its arguments, broken as `call.breakage` says. The
// arguments point into `inputs` and `storage`, which must outlive them.
struct PreparedCall {
  reference::AttentionInputs inputs;
  std::vector<std::vector<int32_t>> storage;
  Arguments arguments;
};
void prepare_linear_call(const LinearCall &call, PreparedCall &prepared);

} // namespace attnforge::fuzz
