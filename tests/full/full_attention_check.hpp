// Shared by the full-attention suites: one problem (`FullCase`), run on fresh
// random inputs by the dispatched kernel and by every usable variant that
// fits it, pinned, each output poisoned first and compared with the
// double-precision reference.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "attention_check.hpp"

namespace attnforge::testing {

using reference::AttentionShape;
using reference::MemoryOrder;

struct FullCase {
  AttentionShape shape;
  bool causal = false;
  double scale = std::nan("");     // NaN: the kernel's default, 1/sqrt(D)
  std::vector<int32_t> kv_len{};   // empty: no kv_len tensor
  MemoryOrder order = MemoryOrder::BHND;
  int64_t row_padding = 0;

  reference::InputOptions input_options() const;
  std::string describe() const;
};

// Runs `full_case` through the dispatched kernel and every usable variant that
// fits, pinned, on one set of random inputs. For each run: the output is
// poisoned first, must be within the f32 budget of the reference, and nothing
// outside the output view may be written. `inspect`, when given, sees each
// run's inputs and output for extra checks.
void check_full_attention(const FullCase &full_case, const Inspect &inspect = {});

// Runs `full_case` through `kernel` alone and checks it as above.
void check_kernel(const Kernel &kernel, const FullCase &full_case, const Inspect &inspect = {});

} // namespace attnforge::testing
