// How far a kernel's output is from a reference, and how far it may be.
#pragma once

#include "attnforge/reference/double_tensor.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge::reference {

// ‖out − ref‖₂ / ‖ref‖₂ over every element of a host f32 view. +inf when any
// element of either side is NaN or inf, so a NaN never passes. When ‖ref‖ is 0
// (every row masked) it is the absolute ‖out‖₂, so an all-zero output scores 0.
double relative_l2_error(const TensorView &out, const DoubleTensor &ref);

// The largest relative error an output stored in `dtype` may have (DESIGN.md):
// 1e-5 for f32, 1e-2 for f16 and bf16.
double error_budget(DType dtype);

} // namespace attnforge::reference
