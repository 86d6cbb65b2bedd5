// Shared by the linear-attention suites: one problem (`LinearCase`), run on
// fresh random inputs by the dispatched kernel and by every usable variant
// that fits it, pinned, each output poisoned first and compared with the
// double-precision reference.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attention_check.hpp"
#include "attnforge/reference/linear_attention.hpp"

namespace attnforge::testing {

using reference::AttentionShape;
using reference::FeatureMap;
using reference::MemoryOrder;

struct LinearCase {
  AttentionShape shape;
  FeatureMap feature_map = FeatureMap::Elu1;
  bool causal = false;
  double eps = 1e-6;
  std::vector<int32_t> kv_len;    // empty: no kv_len tensor
  std::optional<double> key_mask_keep;  // a random key_mask keeping each key with this probability
  MemoryOrder order = MemoryOrder::BHND;
  int64_t row_padding = 0;
  double budget = 0;  // 0: the f32 budget

  reference::InputOptions input_options() const;
  std::string describe() const;
};

// The params a call passes for `linear_case` (feature_map, causal, eps).
std::map<std::string, double> params_of(const LinearCase &linear_case);

// Runs `linear_case` through the dispatched kernel and every usable variant
// that fits, pinned, on one set of random inputs: each output poisoned first,
// within budget of the reference, nothing written outside the output view.
void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect = {});

} // namespace attnforge::testing
