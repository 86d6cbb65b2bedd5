// Shared by the linear-attention suites: one problem (`LinearCase`), run on
// fresh random inputs by the dispatched kernel and by every usable variant
// that fits it, pinned, each output poisoned first and compared with the
// double-precision reference.
#pragma once

#include "attention_check.hpp"
#include "linear_case.hpp"

namespace attnforge::testing {

// Runs `linear_case` through the dispatched kernel and every usable variant
// that fits, pinned, on one set of random inputs: each output poisoned first,
// within budget of the reference, nothing written outside the output view.
void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect = {});

} // namespace attnforge::testing
