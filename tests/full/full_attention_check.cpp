#include "full_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;
using reference::DoubleTensor;

std::map<std::string, double> params_of(const FullCase &full_case) {
  std::map<std::string, double> params;
  if (full_case.causal) params["causal"] = 1;
  if (!std::isnan(full_case.scale)) params["scale"] = full_case.scale;
  return params;
}

DoubleTensor reference_of(const FullCase &full_case, const AttentionInputs &inputs) {
  reference::FullAttentionOptions options;
  options.scale = full_case.scale;
  options.causal = full_case.causal;
  if (auto found = inputs.tensors.find("kv_len"); found != inputs.tensors.end()) {
    options.kv_len = found->second.view();
  }
  return reference::full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

// One run of one kernel handle on prepared inputs, checked against `expected`.
void run_and_compare(const Kernel &kernel, const std::string &label, const FullCase &full_case,
                     AttentionInputs &inputs, const DoubleTensor &expected, const Inspect &inspect) {
  SCOPED_TRACE("kernel " + label);
  inputs.out.poison();
  const Arguments arguments = inputs.arguments(params_of(full_case));
  std::string variant;
  try {
    variant = kernel.choose(arguments).id;
    kernel(arguments);
  } catch (const Error &error) {
    ADD_FAILURE() << "attnforge error (" << to_string(error.category()) << "): " << error.what();
    return;
  }
  SCOPED_TRACE("ran variant " + variant);
  EXPECT_LE(reference::relative_l2_error(inputs.out.view(), expected),
            reference::error_budget(DType::F32));
  EXPECT_EQ(inputs.out.written_outside_view(), 0) << "elements written outside the output view";
  if (inspect) inspect(inputs, variant);
}

AttentionInputs make_inputs(const FullCase &full_case, reference::Random &random) {
  reference::InputOptions options;
  options.order = full_case.order;
  options.row_padding = full_case.row_padding;
  options.kv_len = full_case.kv_len;
  return reference::make_attention_inputs(full_case.shape, random, options);
}

} // namespace

std::string FullCase::describe() const {
  std::string text = shape.to_string();
  if (causal) text += " causal";
  if (!std::isnan(scale)) text += " scale=" + std::to_string(scale);
  if (!kv_len.empty()) {
    text += " kv_len=";
    for (size_t b = 0; b < kv_len.size(); ++b) {
      if (b > 0) text += ',';
      text += std::to_string(kv_len[b]);
    }
  }
  if (order != MemoryOrder::BHND) text += std::string(" ") + to_string(order);
  if (row_padding) text += " row_padding=" + std::to_string(row_padding);
  return text;
}

const Registry &shared_registry() {
  static const Registry registry;
  return registry;
}

std::vector<const VariantInfo *> usable_full_variants(const AttentionShape &shape) {
  std::vector<const VariantInfo *> fitting;
  for (const VariantInfo &variant : shared_registry().variants()) {
    if (variant.kernel != "full" || !variant.usable || variant.dtype != DType::F32) continue;
    if (variant.head_dim != 0 && variant.head_dim != shape.head_dim) continue;
    if (variant.value_dim != 0 && variant.value_dim != shape.value_dim) continue;
    fitting.push_back(&variant);
  }
  return fitting;
}

void check_full_attention(const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = make_inputs(full_case, random);
  const DoubleTensor expected = reference_of(full_case, inputs);

  run_and_compare(shared_registry().kernel("full"), "full (dispatched)", full_case, inputs, expected,
                  inspect);
  const std::vector<const VariantInfo *> variants = usable_full_variants(full_case.shape);
  ASSERT_FALSE(variants.empty()) << "no usable full variant takes this head size";
  for (const VariantInfo *variant : variants) {
    run_and_compare(shared_registry().variant(variant->id), variant->id + " (pinned)", full_case,
                    inputs, expected, inspect);
  }
}

void check_kernel(const Kernel &kernel, const FullCase &full_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(full_case.describe() + ", " + random.replay_hint());
  AttentionInputs inputs = make_inputs(full_case, random);
  const DoubleTensor expected = reference_of(full_case, inputs);
  run_and_compare(kernel, kernel.name(), full_case, inputs, expected, inspect);
}

void expect_zero_row(const AttentionInputs &inputs, int64_t b, int64_t h, int64_t i) {
  const TensorView &out = inputs.out.view();
  for (int64_t e = 0; e < out.shape[3]; ++e) {
    const float value = static_cast<float>(reference::load_f32(out, b, h, i, e));
    if (value != 0.0f) {
      ADD_FAILURE() << "out[" << b << ", " << h << ", " << i << ", " << e << "] = " << value
                    << ", expected 0 (the row sees no key)";
      return;
    }
  }
}

} // namespace attnforge::testing
