// CPU features: detection, and variants a CPU cannot run skipping cleanly.
// Hidden features make every expectation independent of the test machine.
#include "cpu_features.hpp"

#include "test_support.hpp"

namespace attnforge {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::only;
namespace fixtures = attnforge::fixtures;

const VariantInfo &variant_named(const Registry &registry, const std::string &id) {
  for (const auto &variant : registry.variants()) {
    if (variant.id == id) return variant;
  }
  throw std::runtime_error("fixture variant missing: " + id);
}

// GCC's own cpuid reading, which also checks the OS saves the AVX/AVX-512 state.
bool compiler_says_supported(const std::string &name) {
  if (name == "sse41") return __builtin_cpu_supports("sse4.1");
  if (name == "avx") return __builtin_cpu_supports("avx");
  if (name == "avx2") return __builtin_cpu_supports("avx2");
  if (name == "fma") return __builtin_cpu_supports("fma");
  if (name == "f16c") return __builtin_cpu_supports("f16c");
  if (name == "avx512f") return __builtin_cpu_supports("avx512f");
  if (name == "avx512cd") return __builtin_cpu_supports("avx512cd");
  if (name == "avx512bw") return __builtin_cpu_supports("avx512bw");
  if (name == "avx512dq") return __builtin_cpu_supports("avx512dq");
  if (name == "avx512vl") return __builtin_cpu_supports("avx512vl");
  ADD_FAILURE() << "no compiler check for " << name;
  return false;
}

TEST(CpuFeatures, DetectionAgreesWithTheCompilersCpuid) {
  const uint64_t detected = detail::detected_cpu_features();
  for (const auto &feature : detail::known_cpu_features()) {
    EXPECT_EQ((detected & feature.bit) != 0, compiler_says_supported(feature.name)) << feature.name;
  }
}

TEST(CpuFeatures, VariantListsItsRequiredFeaturesByName) {
  Registry registry(only({fixtures::cpu_features}));
  EXPECT_THAT(variant_named(registry, "vec:f32:dany:x86-64-avx2").required_cpu_features,
              ElementsAre("avx2", "fma", "f16c"));
  EXPECT_TRUE(variant_named(registry, "vec:f32:dany:x86-64").required_cpu_features.empty());
}

TEST(CpuFeatures, HiddenFeatureMakesVariantUnusableAndSaysWhich) {
  Registry registry(only({fixtures::cpu_features}, {"avx512f"}));
  const VariantInfo &avx512 = variant_named(registry, "vec:f32:dany:x86-64-avx512");
  EXPECT_FALSE(avx512.usable);
  EXPECT_THAT(avx512.unusable_reason, AllOf(HasSubstr("lacks"), HasSubstr("avx512f (hidden")));
  EXPECT_TRUE(variant_named(registry, "vec:f32:dany:x86-64").usable);
}

TEST(CpuFeatures, DispatchFallsBackToTheBaselineWhenVectorFeaturesAreHidden) {
  Registry registry(only({fixtures::cpu_features}, {"avx512f", "avx2"}));
  testing::ToyProblem problem;
  EXPECT_EQ(registry.kernel("vec").choose(problem.arguments()).id, "vec:f32:dany:x86-64");
}

TEST(CpuFeatures, DispatchTakesTheWidestLevelLeftUsable) {
  Registry registry(only({fixtures::cpu_features}, {"avx512f"}));
  testing::ToyProblem problem;
  const bool avx2_usable = variant_named(registry, "vec:f32:dany:x86-64-avx2").usable;
  EXPECT_EQ(avx2_usable, compiler_says_supported("avx2") && compiler_says_supported("fma") &&
                             compiler_says_supported("f16c"));
  EXPECT_EQ(registry.kernel("vec").choose(problem.arguments()).id,
            avx2_usable ? "vec:f32:dany:x86-64-avx2" : "vec:f32:dany:x86-64");
}

TEST(CpuFeatures, VariantNeedingAFeatureUnknownToTheRuntimeIsUnusable) {
  Registry registry(only({fixtures::cpu_features}));
  const VariantInfo &future = variant_named(registry, "vec:f32:dany:x86-64-future");
  EXPECT_FALSE(future.usable);
  EXPECT_THAT(future.unusable_reason, HasSubstr("cannot detect"));
  testing::ToyProblem problem;
  EXPECT_NE(registry.kernel("vec").choose(problem.arguments()).id, future.id) << "priority must not override usability";
}

TEST(CpuFeatures, PinningAnUnusableVariantThrowsUnsupportedWithTheReason) {
  Registry registry(only({fixtures::cpu_features}, {"avx512f"}));
  const Error error = testing::error_from([&] { registry.variant("vec:f32:dany:x86-64-avx512"); });
  EXPECT_EQ(error.category(), ErrorCategory::Unsupported);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("vec:f32:dany:x86-64-avx512"), HasSubstr("avx512f")));
}

TEST(CpuFeatures, UnknownFeatureNameToHideIsRejectedWithSuggestion) {
  const Error error = testing::error_from([] { Registry registry(only({fixtures::cpu_features}, {"avx-512f"})); });
  EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("'avx-512f'"), HasSubstr("did you mean 'avx512f'")));
}

} // namespace
} // namespace attnforge
