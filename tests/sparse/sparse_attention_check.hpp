// Shared by the sparse-attention suites: a SparseCase run on fresh random
// inputs by the dispatched `sparse` kernel and by every usable sparse variant
// pinned (tests/support), compared with its reference (sparse_case.hpp).
#pragma once

#include "attention_check.hpp"
#include "sparse_case.hpp"

namespace attnforge::testing {

// Runs the case through the dispatched kernel and every usable variant that
// fits it; each output must be within the f32 budget of the reference.
void check_sparse_attention(const SparseCase &sparse_case, const Inspect &inspect = {});

} // namespace attnforge::testing
