// Every variant the plugin declares is there; every one this machine can run
// is right when pinned; dispatch picks the specialised one for its head size
// and the widest target the CPU has.
#include <algorithm>

#include <gtest/gtest.h>

#include "full_attention_check.hpp"

namespace attnforge::testing {
namespace {

const char *const kTargets[] = {"x86-64-avx512", "x86-64-avx2", "x86-64"};
const char *const kHeadSizes[] = {"d64", "d128", "dany"};

const VariantInfo *find_variant(const Registry &registry, const std::string &id) {
  for (const VariantInfo &variant : registry.variants()) {
    if (variant.id == id) return &variant;
  }
  return nullptr;
}

reference::AttentionInputs inputs_for(const AttentionShape &shape) {
  reference::Random random;
  return reference::make_attention_inputs(shape, random);
}

TEST(FullAttentionVariants, EveryTargetAndHeadSizeIsDeclared) {
  for (const char *target : kTargets)
    for (const char *head_size : kHeadSizes) {
      const std::string id = std::string("full:f32:") + head_size + ":" + target;
      const VariantInfo *variant = find_variant(shared_registry(), id);
      ASSERT_NE(variant, nullptr) << id << " is missing";
      EXPECT_EQ(variant->kernel, "full");
      EXPECT_EQ(variant->target, target);
      EXPECT_EQ(variant->head_dim, std::string(head_size) == "dany" ? 0 : std::stoi(head_size + 1));
      if (!variant->usable) {
        EXPECT_FALSE(variant->unusable_reason.empty()) << id;
      }
    }
}

TEST(FullAttentionVariants, BaselineTargetRunsOnEveryX86Machine) {
  for (const char *head_size : kHeadSizes) {
    const std::string id = std::string("full:f32:") + head_size + ":x86-64";
    const VariantInfo *variant = find_variant(shared_registry(), id);
    ASSERT_NE(variant, nullptr) << id;
    EXPECT_TRUE(variant->usable) << id << ": " << variant->unusable_reason;
  }
}

TEST(FullAttentionVariants, EveryUsableVariantMatchesReferenceWhenPinned) {
  int checked = 0;
  for (const VariantInfo &variant : shared_registry().variants()) {
    if (variant.kernel != "full" || !variant.usable) continue;
    SCOPED_TRACE(variant.id);
    const int64_t dim = variant.head_dim ? variant.head_dim : 80;
    const int64_t value_dim = variant.value_dim ? variant.value_dim : dim;
    const Kernel pinned = shared_registry().variant(variant.id);
    check_kernel(pinned, {.shape = {2, 4, 2, 65, 65, dim, value_dim}});
    check_kernel(pinned, {.shape = {1, 4, 4, 63, 257, dim, value_dim}, .causal = true});
    check_kernel(pinned, {.shape = {2, 4, 1, 130, 33, dim, value_dim},
                          .causal = true,
                          .kv_len = {0, 20},
                          .order = MemoryOrder::BNHD});
    // Long enough to read k in panels (each target's own panel width), on
    // both paths.
    check_kernel(pinned, {.shape = {1, 2, 1, 2048, 131, dim, value_dim}});
    check_kernel(pinned, {.shape = {1, 2, 1, 2048, 2059, dim, value_dim}, .causal = true});
    if (variant.value_dim == 0) {
      // Value features that fill no whole vector, or end in a part of one:
      // the lanes past Dv are guarded, never computed from past v's rows.
      check_kernel(pinned, {.shape = {1, 2, 2, 37, 70, dim, 20}});
      check_kernel(pinned, {.shape = {1, 2, 1, 9, 40, dim, 3}, .causal = true});
    }
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no usable full variant";
}

// The target dispatch should pick on this machine: the widest one whose
// variant for `dim` is usable.
std::string best_usable_target(const Registry &registry, const char *head_size) {
  for (const char *target : kTargets) {
    const VariantInfo *variant =
        find_variant(registry, std::string("full:f32:") + head_size + ":" + target);
    if (variant && variant->usable) return target;
  }
  return "none";
}

TEST(FullAttentionDispatch, PicksTheSpecialisedVariantForHeadDim64) {
  const reference::AttentionInputs inputs = inputs_for({1, 8, 8, 128, 128, 64, 64});
  const VariantInfo &chosen = shared_registry().kernel("full").choose(inputs.arguments());
  EXPECT_EQ(chosen.head_dim, 64) << chosen.id;
  EXPECT_EQ(chosen.target, best_usable_target(shared_registry(), "d64")) << chosen.id;
}

TEST(FullAttentionDispatch, PicksTheSpecialisedVariantForHeadDim128) {
  const reference::AttentionInputs inputs = inputs_for({1, 2, 2, 16, 16, 128, 128});
  const VariantInfo &chosen = shared_registry().kernel("full").choose(inputs.arguments());
  EXPECT_EQ(chosen.head_dim, 128) << chosen.id;
  EXPECT_EQ(chosen.target, best_usable_target(shared_registry(), "d128")) << chosen.id;
}

TEST(FullAttentionDispatch, OtherHeadDimsFallBackToAnyHeadSizeVariant) {
  for (int64_t dim : {32, 80}) {
    const reference::AttentionInputs inputs = inputs_for({1, 2, 2, 16, 16, dim, dim});
    const VariantInfo &chosen = shared_registry().kernel("full").choose(inputs.arguments());
    EXPECT_EQ(chosen.head_dim, 0) << chosen.id;
    EXPECT_EQ(chosen.target, best_usable_target(shared_registry(), "dany")) << chosen.id;
  }
}

TEST(FullAttentionDispatch, HidingAvx512FallsBackToANarrowerTargetThatStillMatches) {
  RegistryOptions options;
  options.hide_cpu_features = {"avx512f"};
  const Registry narrower(options);
  const VariantInfo *avx512 = find_variant(narrower, "full:f32:d64:x86-64-avx512");
  ASSERT_NE(avx512, nullptr);
  EXPECT_FALSE(avx512->usable);
  EXPECT_NE(avx512->unusable_reason.find("avx512f"), std::string::npos) << avx512->unusable_reason;

  const reference::AttentionInputs inputs = inputs_for({1, 2, 2, 16, 16, 64, 64});
  const Kernel full = narrower.kernel("full");
  const VariantInfo &chosen = full.choose(inputs.arguments());
  EXPECT_EQ(chosen.head_dim, 64) << chosen.id;
  EXPECT_NE(chosen.target, "x86-64-avx512");
  check_kernel(full, {.shape = {1, 4, 2, 65, 65, 64, 64}, .causal = true});
}

} // namespace
} // namespace attnforge::testing
