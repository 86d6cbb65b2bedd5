#include "linear_attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;
using reference::DoubleTensor;

// The key mask lives beside the inputs: HostTensor holds f32 and i32 only.
struct LinearInputs {
  AttentionInputs inputs;
  std::vector<uint8_t> key_mask;
  TensorView key_mask_view{};
};

LinearInputs make_inputs(const LinearCase &linear_case, reference::Random &random) {
  reference::InputOptions options;
  options.order = linear_case.order;
  options.row_padding = linear_case.row_padding;
  options.kv_len = linear_case.kv_len;
  LinearInputs made{reference::make_attention_inputs(linear_case.shape, random, options), linear_case.key_mask, {}};
  if (!made.key_mask.empty()) {
    made.key_mask_view = TensorView::contiguous(made.key_mask.data(), DType::U8,
                                                {linear_case.shape.batch, linear_case.shape.keys});
  }
  return made;
}

DoubleTensor reference_of(const LinearCase &linear_case, const LinearInputs &made) {
  reference::LinearAttentionOptions options;
  options.feature_map = linear_case.feature_map;
  options.causal = linear_case.causal;
  options.eps = linear_case.eps;
  if (auto found = made.inputs.tensors.find("kv_len"); found != made.inputs.tensors.end()) {
    options.kv_len = found->second.view();
  }
  options.key_mask = made.key_mask_view;
  const AttentionInputs &inputs = made.inputs;
  return reference::linear_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

void run_and_compare(const Kernel &kernel, const std::string &label, const LinearCase &linear_case,
                     LinearInputs &made, const DoubleTensor &expected, const Inspect &inspect) {
  SCOPED_TRACE("kernel " + label);
  made.inputs.out.poison();
  Arguments arguments = made.inputs.arguments(params_of(linear_case));
  if (made.key_mask_view.present()) arguments.tensors["key_mask"] = made.key_mask_view;
  std::string variant;
  try {
    variant = kernel.choose(arguments).id;
    kernel(arguments);
  } catch (const Error &error) {
    ADD_FAILURE() << "attnforge error (" << to_string(error.category()) << "): " << error.what();
    return;
  }
  SCOPED_TRACE("ran variant " + variant);
  const double budget = linear_case.budget > 0 ? linear_case.budget : reference::error_budget(DType::F32);
  EXPECT_LE(reference::relative_l2_error(made.inputs.out.view(), expected), budget);
  EXPECT_EQ(made.inputs.out.written_outside_view(), 0) << "elements written outside the output view";
  if (inspect) inspect(made.inputs, variant);
}

std::vector<const VariantInfo *> usable_linear_variants(const AttentionShape &shape) {
  std::vector<const VariantInfo *> fitting;
  for (const VariantInfo &variant : shared_registry().variants()) {
    if (variant.kernel != "linear" || !variant.usable || variant.dtype != DType::F32) continue;
    if (variant.head_dim != 0 && variant.head_dim != shape.head_dim) continue;
    if (variant.value_dim != 0 && variant.value_dim != shape.value_dim) continue;
    fitting.push_back(&variant);
  }
  return fitting;
}

const char *name_of(FeatureMap map) {
  switch (map) {
    case FeatureMap::Softmax: return "softmax";
    case FeatureMap::Elu1: return "elu1";
    default: return "relu";
  }
}

} // namespace

std::string LinearCase::describe() const {
  std::string text = shape.to_string() + " " + name_of(feature_map);
  if (causal) text += " causal";
  if (eps != 1e-6) text += " eps=" + std::to_string(eps);
  if (!kv_len.empty()) {
    text += " kv_len=";
    for (size_t b = 0; b < kv_len.size(); ++b) text += (b ? "," : "") + std::to_string(kv_len[b]);
  }
  if (!key_mask.empty()) text += " key_mask";
  if (order != MemoryOrder::BHND) text += std::string(" ") + to_string(order);
  if (row_padding) text += " row_padding=" + std::to_string(row_padding);
  return text;
}

const Registry &shared_registry() {
  static const Registry registry;
  return registry;
}

std::map<std::string, double> params_of(const LinearCase &linear_case) {
  std::map<std::string, double> params;
  params["feature_map"] = static_cast<double>(linear_case.feature_map);
  if (linear_case.causal) params["causal"] = 1;
  if (linear_case.eps != 1e-6) params["eps"] = linear_case.eps;
  return params;
}

std::vector<uint8_t> random_key_mask(int64_t batch, int64_t keys, double keep, reference::Random &random) {
  std::vector<uint8_t> mask(static_cast<size_t>(batch * keys));
  for (uint8_t &byte : mask) byte = random.integer(0, 999) < keep * 1000 ? 1 : 0;
  return mask;
}

void check_linear_attention(const LinearCase &linear_case, const Inspect &inspect) {
  reference::Random random;
  SCOPED_TRACE(linear_case.describe() + ", " + random.replay_hint());
  LinearInputs made = make_inputs(linear_case, random);
  const DoubleTensor expected = reference_of(linear_case, made);

  run_and_compare(shared_registry().kernel("linear"), "linear (dispatched)", linear_case, made, expected, inspect);
  const std::vector<const VariantInfo *> variants = usable_linear_variants(linear_case.shape);
  ASSERT_FALSE(variants.empty()) << "no usable linear variant takes this head size";
  for (const VariantInfo *variant : variants) {
    run_and_compare(shared_registry().variant(variant->id), variant->id + " (pinned)", linear_case, made, expected,
                    inspect);
  }
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
