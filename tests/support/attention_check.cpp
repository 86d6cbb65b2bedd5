#include "attention_check.hpp"

#include <gtest/gtest.h>

namespace attnforge::testing {

const Registry &shared_registry() {
  static const Registry registry;
  return registry;
}

namespace {

bool built_for(const VariantInfo &variant, const std::map<std::string, double> &params) {
  for (const ParamInfo &spec : variant.params) {
    const auto given = params.find(spec.name);
    const bool fixed = spec.min_value == spec.max_value;
    if (fixed && given != params.end() && given->second != spec.min_value) return false;
  }
  return true;
}

} // namespace

std::vector<const VariantInfo *> usable_variants(const std::string &kernel, const reference::AttentionShape &shape,
                                                 const std::map<std::string, double> &params) {
  std::vector<const VariantInfo *> fitting;
  for (const VariantInfo &variant : shared_registry().variants()) {
    if (variant.kernel != kernel || !variant.usable || variant.dtype != DType::F32) continue;
    if (variant.head_dim != 0 && variant.head_dim != shape.head_dim) continue;
    if (variant.value_dim != 0 && variant.value_dim != shape.value_dim) continue;
    if (!built_for(variant, params)) continue;
    fitting.push_back(&variant);
  }
  return fitting;
}

void run_and_compare(const Kernel &kernel, const std::string &label, reference::AttentionInputs &inputs,
                     const ExtraArguments &extra, const Expected &expected, const Inspect &inspect) {
  SCOPED_TRACE("kernel " + label);
  inputs.out.poison();
  Arguments arguments = inputs.arguments(extra.params);
  for (const auto &[name, view] : extra.tensors) arguments.tensors[name] = view;
  std::string variant;
  try {
    variant = kernel.choose(arguments).id;
    kernel(arguments);
  } catch (const Error &error) {
    ADD_FAILURE() << "attnforge error (" << to_string(error.category()) << "): " << error.what();
    return;
  }
  SCOPED_TRACE("ran variant " + variant);
  EXPECT_LE(reference::relative_l2_error(inputs.out.view(), expected.output), expected.budget);
  EXPECT_EQ(inputs.out.written_outside_view(), 0) << "elements written outside the output view";
  if (inspect) inspect(inputs, variant);
}

void check_dispatched_and_every_variant(const std::string &kernel_name, reference::AttentionInputs &inputs,
                                        const ExtraArguments &extra, const Expected &expected,
                                        const Inspect &inspect) {
  run_and_compare(shared_registry().kernel(kernel_name), kernel_name + " (dispatched)", inputs, extra, expected,
                  inspect);
  const std::vector<const VariantInfo *> variants = usable_variants(kernel_name, inputs.shape, extra.params);
  ASSERT_FALSE(variants.empty()) << "no usable " << kernel_name << " variant takes this head size";
  for (const VariantInfo *variant : variants) {
    run_and_compare(shared_registry().variant(variant->id), variant->id + " (pinned)", inputs, extra, expected,
                    inspect);
  }
}

void expect_zero_row(const reference::AttentionInputs &inputs, int64_t b, int64_t h, int64_t i) {
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
