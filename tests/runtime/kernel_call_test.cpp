// The call bridge: what reaches the plugin (slots in spec order, defaults
// filled in) and how a plugin's failure comes back.
#include <thread>

#include "attnforge/halide_errors.h"
#include "test_support.hpp"

namespace attnforge {
namespace {

using ::testing::Each;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::only;
using testing::ToyProblem;
using testing::ToyShape;
namespace fixtures = attnforge::fixtures;

class KernelCall : public testing::KernelOfFixture {
 protected:
  KernelCall() : KernelOfFixture(fixtures::toy, "toy") {}
};

TEST_F(KernelCall, UnsetParametersTakeTheirDefaults) {
  kernel(arguments); // mode 0 writes fill, whose default is 1.5
  EXPECT_THAT(problem.out, Each(Eq(1.5f)));
}

TEST_F(KernelCall, GivenParametersReachTheKernel) {
  arguments.params["fill"] = -2.25;
  kernel(arguments);
  EXPECT_THAT(problem.out, Each(Eq(-2.25f)));
}

TEST_F(KernelCall, OptionalTensorReachesItsSlot) {
  problem.kv_len = {3, 4};
  arguments.tensors["kv_len"] = problem.kv_len_view();
  kernel(arguments); // out = fill + kv_len[b]
  const std::size_t per_batch = problem.out.size() / 2;
  for (std::size_t i = 0; i < problem.out.size(); ++i) {
    ASSERT_EQ(problem.out[i], i < per_batch ? 4.5f : 5.5f) << "element " << i;
  }
}

TEST_F(KernelCall, StridedOutputIsWrittenWhereItsViewSays) {
  // out lives in [B, Nq, Hq, Dv] memory, passed as a [B, Hq, Nq, Dv] view.
  const ToyShape &s = problem.shape;
  std::vector<float> bnhd(problem.out.size(), 0.0f);
  arguments.out = TensorView::contiguous(bnhd.data(), DType::F32, {s.B, s.Nq, s.Hq, s.Dv}).permuted({0, 2, 1, 3});
  arguments.params["mode"] = 1; // out[b, h, i, e] = v[b, h / (Hq / Hkv), i % Nk, e]
  kernel(arguments);
  const int64_t group = s.Hq / s.Hkv;
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t h = 0; h < s.Hq; ++h)
      for (int64_t i = 0; i < s.Nq; ++i)
        for (int64_t e = 0; e < s.Dv; ++e) {
          const float expected = problem.v[((b * s.Hkv + h / group) * s.Nk + i % s.Nk) * s.Dv + e];
          ASSERT_EQ(bnhd[((b * s.Nq + i) * s.Hq + h) * s.Dv + e], expected) << b << "," << h << "," << i << "," << e;
        }
}

TEST_F(KernelCall, RunFailureIsARuntimeErrorCarryingTheHalideMessage) {
  arguments.params["mode"] = 2;
  const Error error = testing::error_from([&] { kernel(arguments); });
  EXPECT_EQ(error.category(), ErrorCategory::Runtime);
  EXPECT_STREQ(error.what(),
               "toy:f32:dany:x86-64: toy run failed on purpose (Halide: toy: simulated Halide failure)");
}

TEST_F(KernelCall, HalideErrorOfAnEarlierCallDoesNotLeakIntoTheNext) {
  arguments.params["mode"] = 2;
  testing::error_from([&] { kernel(arguments); });
  arguments.params["mode"] = 3;
  const Error error = testing::error_from([&] { kernel(arguments); });
  EXPECT_THAT(error.what(), Not(HasSubstr("Halide")));
}

TEST_F(KernelCall, ConcurrentCallsOnOneHandleAreIndependent) {
  std::vector<ToyProblem> problems(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < problems.size(); ++t) {
    threads.emplace_back([&, t] {
      Arguments call = problems[t].arguments();
      call.params["fill"] = static_cast<double>(t);
      for (int repeat = 0; repeat < 50; ++repeat) kernel(call);
    });
  }
  for (auto &thread : threads) thread.join();
  for (std::size_t t = 0; t < problems.size(); ++t) EXPECT_THAT(problems[t].out, Each(Eq(static_cast<float>(t))));
}

// What the TSan build checks beyond one handle: registries built at once
// (each loads the plugin and installs the shared Halide error handler), and
// lookups, dispatch and calls on one registry from many threads.
TEST_F(KernelCall, RegistriesAndLookupsFromManyThreadsAreIndependent) {
  std::vector<ToyProblem> problems(8);
  const std::string chosen = kernel.choose(problems[0].arguments()).id;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < problems.size(); ++t) {
    threads.emplace_back([&, t] {
      const Registry own(only({fixtures::toy}));
      const Kernel kernels[] = {own.kernel("toy"), registry.kernel("toy"), registry.variant(chosen)};
      Arguments call = problems[t].arguments();
      call.params["fill"] = static_cast<double>(t);
      for (int repeat = 0; repeat < 30; ++repeat) {
        const Kernel &one = kernels[repeat % 3];
        EXPECT_EQ(one.choose(call).id, chosen);
        one(call);
      }
    });
  }
  for (auto &thread : threads) thread.join();
  for (std::size_t t = 0; t < problems.size(); ++t) EXPECT_THAT(problems[t].out, Each(Eq(static_cast<float>(t))));
}

} // namespace
} // namespace attnforge
