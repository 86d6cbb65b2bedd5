// Parameters fixed when a variant was built (min == max, as sparse's
// block_size): by name they choose the variant, pinned they are validated.
#include "test_support.hpp"

namespace attnforge {
namespace {

using testing::only;
using testing::ToyProblem;
namespace fixtures = attnforge::fixtures;

constexpr const char *kTile64 = "tiled:f32:dany:t64:x86-64";
constexpr const char *kTile128 = "tiled:f32:dany:t128:x86-64";

class FixedParams : public testing::KernelOfFixture {
 protected:
  FixedParams() : KernelOfFixture(fixtures::fixed_param, "tiled") {}
};

TEST_F(FixedParams, CallThatSetsTheParamRunsTheVariantBuiltForItsValue) {
  for (double tile : {64.0, 128.0}) {
    arguments.params["tile"] = tile;
    EXPECT_EQ(kernel.choose(arguments).id, tile == 64 ? kTile64 : kTile128);
    kernel(arguments);
    for (float element : problem.out) ASSERT_EQ(element, static_cast<float>(tile)) << "tile " << tile;
  }
}

TEST_F(FixedParams, CallThatLeavesTheParamUnsetRunsTheFirstVariantFound) {
  EXPECT_EQ(kernel.choose(arguments).id, kTile64);
  kernel(arguments);
  EXPECT_EQ(problem.out[0], 64.0f);
}

TEST_F(FixedParams, ReasonsNameTheParamTheVariantWasBuiltFor) {
  arguments.params["tile"] = 128;
  for (const auto &[id, reason] : kernel.reasons(arguments)) {
    EXPECT_EQ(reason, id == kTile64 ? "tile = 128, this variant takes tile = 64" : "") << id;
  }
}

TEST_F(FixedParams, ValueNoVariantIsBuiltForIsUnsupportedListingEachVariantsValue) {
  arguments.params["tile"] = 96;
  EXPECT_TRUE(testing::rejects(kernel, arguments, problem, ErrorCategory::Unsupported,
                               std::string(kTile64) + ": tile = 96, this variant takes tile = 64"));
  EXPECT_TRUE(testing::rejects(kernel, arguments, problem, ErrorCategory::Unsupported,
                               std::string(kTile128) + ": tile = 96, this variant takes tile = 128"));
}

TEST_F(FixedParams, PinnedVariantGivenAnotherValueIsAnInvalidArgument) {
  const Kernel pinned = registry.variant(kTile128);
  arguments.params["tile"] = 64;
  EXPECT_EQ(pinned.reasons(arguments)[0].second, "") << "pinned: the value is validation's to judge";
  EXPECT_TRUE(testing::rejects(pinned, arguments, problem, ErrorCategory::InvalidArgument,
                               "tiled: parameter 'tile': expected 128, the only value variant " +
                                   std::string(kTile128) + " is built for, got 64"));
}

TEST_F(FixedParams, NonFiniteValueIsLeftToValidation) {
  arguments.params["tile"] = std::nan("");
  EXPECT_TRUE(testing::rejects(kernel, arguments, problem, ErrorCategory::InvalidArgument,
                               "parameter 'tile': expected a finite number"));
}

} // namespace
} // namespace attnforge
