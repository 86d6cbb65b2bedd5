// The double-precision references and the test helpers around them.
#pragma once

#include "attnforge/reference/attention_inputs.hpp"
#include "attnforge/reference/double_tensor.hpp"
#include "attnforge/reference/error_metric.hpp"
#include "attnforge/reference/full_attention.hpp"
#include "attnforge/reference/host_tensor.hpp"
#include "attnforge/reference/random.hpp"
#include "attnforge/reference/softmax_attention.hpp"
#include "attnforge/reference/tensor_access.hpp"
