// The ways a call's q, k, v and out can break the contract whatever the
// kernel (DESIGN.md, "Errors and safety"): shapes that do not fit together,
// an output that shares memory, strides, ranks, dtypes, devices, and tensors
// named or passed where they do not belong. Each kernel's decoder offers
// these after its own breakages (its parameters and extra tensors), so that
// the runtime's shared validation is fuzzed through every kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call_rules.hpp"
#include "fuzz_bytes.hpp"

namespace attnforge::fuzz {

enum class TensorBreakage {
  HeadsUneven,         // Hq not a multiple of Hkv
  HeadDimMismatch,     // k's D differs from q's
  KeyCountMismatch,    // v's Nk differs from k's
  OutAliasesInput,     // out shares memory with q
  OutStrideZero,       // two output elements at one address
  OutRowsOverlap,      // out's Nq stride inside its Dv reach
  NegativeStride,      // q, k, v or out walked backwards
  UnknownTensor,       // a tensor name the kernel does not take
  CoreTensorInExtras,  // q passed in Arguments::tensors
  MissingTensor,       // k or v without data
  WrongRank,           // q of three dimensions
  EmptyDimension,      // Nq = 0
  QueriesNotF32,       // q of f16
  QueriesOnCuda,       // q on a device no variant here runs on
  Count,
};
constexpr int kTensorBreakageCount = static_cast<int>(TensorBreakage::Count);
const char *to_string(TensorBreakage breakage);

// A call's breakage number: 0 none, 1 to own_count - 1 the kernel's own,
// own_count on the tensor breakages above, in order.
struct BreakageNumber {
  int number = 0;
  int own_count = 1;  // the kernel's own breakages, None included

  int own() const { return number < own_count ? number : 0; }  // 0: none of the kernel's own
  std::optional<TensorBreakage> tensor() const {
    if (number < own_count) return std::nullopt;
    return static_cast<TensorBreakage>(number - own_count);
  }
  // ", broken: <what> (form <choice>)", naming the kernel's own breakage by
  // `own_text`; "" for a valid call.
  std::string text(const char *own_text, uint64_t choice) const;
};
constexpr int breakage_numbers(int own_count) { return own_count + kTensorBreakageCount; }
// The decoder's first decision (decode_breakage: half of all strings valid).
BreakageNumber decode_breakage_number(FuzzBytes &bytes, int own_count);

// The shape the breakage needs to be expressible (a D to shrink, two query
// rows to share an address, ...); every other shape is left as decoded.
void fit_shape_to(TensorBreakage breakage, FuzzBytes &bytes, reference::AttentionShape &shape);

// kv_len (one per batch, all Nk when empty) with one value out of [0, Nk]:
// -1, Nk + 1 or an extreme of i32, in batch `choice` % B.
void put_kv_len_out_of_range(std::vector<int32_t> &kv_len, const reference::AttentionShape &shape, uint64_t choice);

// Breaks the views of `call`'s valid inputs as its tensor breakage says
// (nothing when it has none); `choice` picks the form.
void break_tensors(const BreakageNumber &breakage, uint64_t choice, FuzzedCall &call);

ExpectedError expected_error(TensorBreakage breakage);

} // namespace attnforge::fuzz
