// Dispatch: which variant a call goes to, and what it says when none fits.
#include "cuda_probe.hpp"
#include "test_support.hpp"

namespace attnforge {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::only;
using testing::ToyProblem;
using testing::ToyShape;
namespace fixtures = attnforge::fixtures;

class Dispatch : public ::testing::Test {
 protected:
  Registry registry{only({fixtures::toy})};
  Kernel toy = registry.kernel("toy");
};

TEST_F(Dispatch, TiedPriorityGoesToTheVariantSpecialisedForD) {
  ToyProblem problem(ToyShape{.D = 64});
  EXPECT_EQ(toy.choose(problem.arguments()).id, "toy:f32:d64:x86-64");
}

TEST_F(Dispatch, HeadSizeWithoutASpecialisedVariantGoesToTheAnyVariant) {
  ToyProblem problem(ToyShape{.D = 48});
  EXPECT_EQ(toy.choose(problem.arguments()).id, "toy:f32:dany:x86-64");
}

TEST_F(Dispatch, HigherPriorityBeatsSpecialisation) {
  ToyProblem problem(ToyShape{.D = 64, .Dv = 32});
  EXPECT_EQ(toy.choose(problem.arguments()).id, "toy:f32:dany:x86-64-dv32");
}

TEST_F(Dispatch, DtypeOfQSelectsTheVariant) {
  ToyProblem problem;
  Arguments arguments = problem.arguments();
  for (TensorView *view : {&arguments.q, &arguments.k, &arguments.v, &arguments.out}) view->dtype = DType::F16;
  EXPECT_EQ(toy.choose(arguments).id, "toy:f16:dany:x86-64");
}

TEST_F(Dispatch, CpuTensorsNeverGoToTheCudaVariant) {
  ToyProblem problem;
  EXPECT_EQ(toy.choose(problem.arguments()).device, Device::CPU);
  for (const auto &[id, reason] : toy.reasons(problem.arguments())) {
    if (id == "toy:f32:dany:cuda") {
      EXPECT_FALSE(reason.empty());
    }
  }
}

TEST_F(Dispatch, CudaTensorsWithoutACudaDeviceAreUnsupportedSayingSo) {
  if (detail::cuda_unavailable_reason().empty()) GTEST_SKIP() << "this machine has a CUDA device";
  ToyProblem problem;
  Arguments arguments = problem.arguments();
  for (TensorView *view : {&arguments.q, &arguments.k, &arguments.v, &arguments.out}) view->device = Device::CUDA;
  EXPECT_TRUE(testing::rejects(toy, arguments, problem, ErrorCategory::Unsupported,
                               "toy:f32:dany:cuda: cannot run on this machine: no CUDA device"));
}

TEST_F(Dispatch, NoFittingVariantListsEveryCandidateWithItsReason) {
  ToyProblem problem;
  Arguments arguments = problem.arguments();
  arguments.q.dtype = DType::I32;
  const Error error = testing::error_from([&] { toy(arguments); });
  EXPECT_EQ(error.category(), ErrorCategory::Unsupported);
  EXPECT_THAT(error.what(), HasSubstr("toy: no variant can run q (i32 cpu [2, 4, 3, 16])"));
  for (const VariantInfo *candidate : toy.candidates()) {
    EXPECT_THAT(error.what(), HasSubstr("\n  " + candidate->id + ": ")) << "every candidate must be explained";
  }
  EXPECT_THAT(error.what(), HasSubstr("toy:f32:d64:x86-64: q is i32, this variant takes f32; D = 16, this variant takes D = 64"));
  EXPECT_TRUE(problem.out_untouched());
}

TEST_F(Dispatch, ReasonsAreEmptyExactlyForTheVariantsThatFit) {
  ToyProblem problem(ToyShape{.D = 64});
  for (const auto &[id, reason] : toy.reasons(problem.arguments())) {
    const bool fits = id == "toy:f32:dany:x86-64" || id == "toy:f32:d64:x86-64";
    EXPECT_EQ(reason.empty(), fits) << id << ": " << reason;
  }
}

TEST_F(Dispatch, CallRunsTheVariantThatChooseNames) {
  for (int64_t head_dim : {64, 128, 48}) {
    ToyProblem problem(ToyShape{.D = head_dim});
    toy(problem.arguments());
    const float tag = head_dim == 48 ? 0.0f : static_cast<float>(head_dim); // the toy writes fill + its D
    for (float element : problem.out) ASSERT_EQ(element, 1.5f + tag) << "D = " << head_dim;
  }
}

TEST_F(Dispatch, PinnedVariantRefusesAnotherHeadSizeAsUnsupported) {
  Kernel pinned = registry.variant("toy:f32:d64:x86-64");
  ToyProblem problem(ToyShape{.D = 16});
  EXPECT_TRUE(testing::rejects(pinned, problem.arguments(), problem, ErrorCategory::Unsupported,
                               "D = 16, this variant takes D = 64"));
}

TEST_F(Dispatch, PinnedVariantRunsEvenWhenAnotherWouldBePreferred) {
  Kernel pinned = registry.variant("toy:f32:dany:x86-64");
  ToyProblem problem(ToyShape{.D = 64});
  pinned(problem.arguments());
  EXPECT_EQ(problem.out[0], 1.5f);
}

TEST_F(Dispatch, MissingQIsAnInvalidArgument) {
  ToyProblem problem;
  Arguments arguments = problem.arguments();
  arguments.q.data = nullptr;
  EXPECT_TRUE(testing::rejects(toy, arguments, problem, ErrorCategory::InvalidArgument,
                               "toy: missing required argument 'q'"));
}

} // namespace
} // namespace attnforge
