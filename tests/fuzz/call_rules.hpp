// One fuzzed kernel call and the rules every call must keep:
// - a valid call runs, lands within the f32 budget of the double-precision
//   reference and writes nothing outside its output view;
// - a broken call throws attnforge::Error of the expected category, naming
//   the culprit, and writes nothing at all (out stays poisoned, q's memory
//   is unchanged: out may alias it);
// - nothing throws anything but attnforge::Error, and nothing crashes.
// Each kernel's decoder (linear_call.hpp, sparse_call.hpp) turns bytes into
// a FuzzedCall; the libFuzzer targets and the replay test run it here.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "attnforge/reference/reference.hpp"
#include "fuzz_bytes.hpp"

namespace attnforge::fuzz {

// The values out-of-range breakages reach for first.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// What a broken call must throw: the category, and a piece of the message
// that names the culprit.
struct ExpectedError {
  ErrorCategory category;
  std::string mentions;
};

struct FuzzedCall {
  std::string kernel;
  std::string pinned_variant;  // empty: the dispatcher picks
  std::string description;     // for reports: the shape, options, params, seed
  int breakage = 0;            // the decoder's breakage number; 0: a valid call
  ExpectedError expected{ErrorCategory::Runtime, ""};  // when broken
  int64_t row_padding = 0;     // of q, k, v and out (reference::InputOptions)
  reference::AttentionInputs inputs;
  std::vector<std::vector<int32_t>> storage;  // tensors the arguments use beyond `inputs`
  Arguments arguments;         // point into `inputs` and `storage`
  std::function<reference::DoubleTensor(const reference::AttentionInputs &)> reference;  // valid calls
};

struct FuzzOutcome {
  std::string call;                       // FuzzedCall::description
  int breakage = 0;
  bool accepted = false;                  // the kernel ran
  std::vector<std::string> broken_rules;  // empty: every rule kept
};

// Draws the call's inputs from `seed` (q, k and v; kv_len and key_mask as
// `options` say; out poisoned) and its arguments with `params`: every
// decoder's last step before it breaks what its breakage says.
void draw_inputs(FuzzedCall &call, const reference::AttentionShape &shape, const reference::InputOptions &options,
                 uint64_t seed, const std::map<std::string, double> &params);

FuzzOutcome run_fuzzed_call(const Registry &registry, FuzzedCall &call);

// Why a valid call's output misses the reference ("" when it does not):
// ‖out − ref‖ ≤ 1e-5 ‖ref‖, except that an output whose terms cancel
// (‖ref‖ at least 100 times below the reference run on |v|, which every
// kernel here weighs with non-negative weights, so it is the size of the
// terms each element sums) is held to 1e-5 of the terms' size instead: no
// f32 computation meets the norm-wise budget there (docs/testing.md).
std::string accuracy_violation(FuzzedCall &call);

// The usable variants of `kernel`, for a decoder to pin one.
std::vector<const VariantInfo *> usable_variants_of(const Registry &registry, const std::string &kernel);

// A decoder's choice of variant: half of the calls pin one of `variants`
// that fits the shape's head and value sizes (and `also_fits`, when given);
// the rest leave it to the dispatcher (""). Reads no bytes when none fits.
std::string decode_pinned_variant(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants,
                                  const reference::AttentionShape &shape,
                                  const std::function<bool(const VariantInfo &)> &also_fits = {});

// libFuzzer's verdict: 0 when every rule held; otherwise prints the call and
// the broken rules, and aborts, so libFuzzer keeps the input.
int fuzzer_verdict(const FuzzOutcome &outcome);

} // namespace attnforge::fuzz
