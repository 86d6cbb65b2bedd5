// One linear-attention problem (`LinearCase`): its parameters and its
// double-precision reference. Shared by the linear suites and the linear
// call fuzzer; no GoogleTest here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attnforge/reference/linear_attention.hpp"
#include "attnforge/reference/reference.hpp"

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

// The reference output of `linear_case` on `inputs` (its kv_len and
// key_mask tensors included).
reference::DoubleTensor linear_reference(const LinearCase &linear_case, const reference::AttentionInputs &inputs);

} // namespace attnforge::testing
