// Shared by the linear-attention suites: one problem (`LinearCase`), run on
// fresh random inputs by the dispatched kernel and by every usable variant
// that fits it, pinned, each output poisoned first and compared with the
// double-precision reference.
#pragma once

#include <cstdint>
#include <map>
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
  std::vector<uint8_t> key_mask;  // empty: no key_mask tensor; else B·Nk bytes, row-major
  MemoryOrder order = MemoryOrder::BHND;
  int64_t row_padding = 0;
  double budget = 0;  // 0: the f32 budget

  std::string describe() const;
};

// The params a call passes for `linear_case` (feature_map, causal, eps).
std::map<std::string, double> params_of(const LinearCase &linear_case);

// A key mask that keeps each key with probability `keep`, from `random`.
std::vector<uint8_t> random_key_mask(int64_t batch, int64_t keys, double keep, reference::Random &random);

// Runs `linear_case` through the dispatched kernel and every usable variant
// that fits, pinned, on one set of random inputs: each output poisoned first,
// within budget of the reference, nothing written outside the output view.
void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect = {});

} // namespace attnforge::testing
