// Validation: one test per rule. Each checks the error category, the part of
// the message that names the argument, and that the poisoned output is
// bit-for-bit untouched.
#include <cmath>
#include <limits>

#include "test_support.hpp"

namespace attnforge {
namespace {

using testing::only;
using testing::rejects;
using testing::ToyProblem;
using testing::ToyShape;
namespace fixtures = attnforge::fixtures;

constexpr auto kInvalid = ErrorCategory::InvalidArgument;

class Validation : public testing::KernelOfFixture {
 protected:
  Validation() : KernelOfFixture(fixtures::toy, "toy") {}
};

TEST_F(Validation, WellFormedCallIsAccepted) {
  arguments.tensors["kv_len"] = problem.kv_len_view();
  kernel(arguments);
  EXPECT_FALSE(problem.out_untouched());
}

TEST_F(Validation, MissingRequiredTensorIsRejected) {
  arguments.k.data = nullptr;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "toy: missing required argument 'k'"));
}

TEST_F(Validation, UnknownTensorNameIsRejectedWithSuggestion) {
  arguments.tensors["kvlen"] = problem.kv_len_view();
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "unknown tensor argument 'kvlen'; did you mean 'kv_len'?"));
}

TEST_F(Validation, CoreTensorPassedInTheExtrasMapIsRejected) {
  arguments.tensors["q"] = problem.q_view();
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'q' belongs in Arguments::q"));
}

TEST_F(Validation, UnknownParameterNameIsRejectedWithSuggestion) {
  arguments.params["scael"] = 0.5;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "unknown parameter 'scael'; did you mean 'scale'?"));
}

TEST_F(Validation, WrongRankIsRejectedShowingTheExpectedShape) {
  ToyProblem wide(ToyShape{.B = 2, .Hkv = 128, .Nk = 64, .D = 64});
  Arguments call = wide.arguments();
  call.k = TensorView::contiguous(wide.k.data(), DType::F32, {2, 128, 64});
  EXPECT_TRUE(rejects(kernel, call, wide, kInvalid,
                      "toy: argument 'k': expected 4 dimensions [B, Hkv, Nk, D], got 3 ([2, 128, 64])"));
}

TEST_F(Validation, RankBeyondTheViewLimitIsRejectedWithoutReadingPastIt) {
  arguments.v.rank = 7;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'v': expected 4 dimensions [B, Hkv, Nk, Dv], got 7"));
}

TEST_F(Validation, WrongDtypeIsRejected) {
  arguments.k.dtype = DType::F16;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'k': expected dtype f32, got f16"));
}

TEST_F(Validation, WrongDtypeOfAnExtraTensorIsRejected) {
  TensorView kv_len = problem.kv_len_view();
  kv_len.dtype = DType::F32;
  arguments.tensors["kv_len"] = kv_len;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'kv_len': expected dtype i32, got f32"));
}

TEST_F(Validation, TensorOnAnotherDeviceIsRejected) {
  arguments.v.device = Device::CUDA;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'v': expected a cpu tensor, got a cuda tensor"));
}

TEST_F(Validation, NegativeStrideIsRejected) {
  arguments.k.strides[2] = -arguments.k.strides[2];
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'k': dimension Nk has stride -16"));
}

TEST_F(Validation, DimensionsThatDisagreeAcrossTensorsAreRejected) {
  ToyProblem mismatched(ToyShape{.Nk = 128});
  Arguments call = mismatched.arguments();
  call.v.shape[2] = 100;
  EXPECT_TRUE(rejects(kernel, call, mismatched, kInvalid, "argument 'v': dimension Nk expected 128 (from 'k'), got 100"));
}

TEST_F(Validation, OutputShapeMustFollowFromTheInputs) {
  arguments.out.shape[3] = 4; // Dv is 8, from v
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'out': dimension Dv expected 8 (from 'v'), got 4"));
}

TEST_F(Validation, EmptyDimensionIsRejected) {
  arguments.q.shape[2] = 0;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'q': dimension Nq must be at least 1, got 0"));
}

TEST_F(Validation, QueryHeadsThatAreNotAMultipleOfKeyHeadsAreRejected) {
  ToyProblem uneven(ToyShape{.Hq = 6, .Hkv = 4});
  EXPECT_TRUE(rejects(kernel, uneven.arguments(), uneven, kInvalid,
                      "Hq = 6 (from 'q') must be a multiple of Hkv = 4 (from 'k')"));
}

TEST_F(Validation, IntegerValueAboveItsBoundIsRejected) {
  problem.kv_len[1] = static_cast<int32_t>(problem.shape.Nk) + 1;
  arguments.tensors["kv_len"] = problem.kv_len_view();
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid,
                      "argument 'kv_len': element [1] is 6, expected a value in [0, Nk = 5]"));
}

TEST_F(Validation, NegativeIntegerValueIsRejected) {
  problem.kv_len[0] = -1;
  arguments.tensors["kv_len"] = problem.kv_len_view();
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'kv_len': element [0] is -1"));
}

TEST_F(Validation, IntegerValuesAreReadThroughStrides) {
  // Every other element of a 4-long buffer: the out-of-range value sits in
  // the gap and must not be seen; the second viewed element is checked.
  std::vector<int32_t> strided = {5, 999, 0, 999};
  TensorView kv_len = TensorView::contiguous(strided.data(), DType::I32, {2});
  kv_len.strides[0] = 2;
  arguments.tensors["kv_len"] = kv_len;
  EXPECT_NO_THROW(kernel(arguments));
  strided[2] = 6;
  ToyProblem fresh;
  Arguments call = fresh.arguments();
  call.tensors["kv_len"] = kv_len;
  EXPECT_TRUE(rejects(kernel, call, fresh, kInvalid, "element [1] is 6"));
}

TEST_F(Validation, IntegerParameterMustBeIntegral) {
  arguments.params["mode"] = 1.5;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "parameter 'mode': expected an integer in [0, 4], got 1.5"));
}

TEST_F(Validation, IntegerParameterMustBeInRange) {
  arguments.params["mode"] = 7;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "parameter 'mode': expected an integer in [0, 4], got 7"));
}

TEST_F(Validation, BooleanParameterMustBeZeroOrOne) {
  arguments.params["causal"] = 0.5;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "parameter 'causal': expected a boolean (0 or 1), got 0.5"));
}

TEST_F(Validation, FloatParameterMustBeInRange) {
  arguments.params["fill"] = 5000;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "parameter 'fill': expected a number in [-1000, 1000], got 5000"));
}

TEST_F(Validation, ParameterMustBeFinite) {
  for (double value : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    arguments.params["scale"] = value;
    EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "parameter 'scale': expected a finite number"));
  }
}

TEST_F(Validation, OutputOverlappingAnInputIsRejected) {
  // out reuses v's memory (same element count, as an in-place caller might try).
  ToyProblem same(ToyShape{.Hq = 2, .Hkv = 2, .Nq = 5, .Nk = 5});
  Arguments call = same.arguments();
  call.out = TensorView::contiguous(same.v.data(), DType::F32, {2, 2, 5, 8});
  const std::vector<float> v_before = same.v;
  EXPECT_TRUE(rejects(kernel, call, same, kInvalid, "argument 'out' overlaps the memory of argument 'v'"));
  EXPECT_EQ(same.v, v_before);
}

TEST_F(Validation, OutputOverlappingOnlyTheLastInputElementIsRejected) {
  // q and out carved from one buffer; out's first element is q's last.
  const std::size_t q_size = problem.q.size();
  std::vector<float> shared(q_size + problem.out.size(), 0.0f);
  Arguments call = arguments;
  call.q = TensorView::contiguous(shared.data(), DType::F32, {2, 4, 3, 16});
  call.out = TensorView::contiguous(shared.data() + q_size - 1, DType::F32, {2, 4, 3, 8});
  const std::vector<float> before = shared;
  EXPECT_TRUE(rejects(kernel, call, problem, kInvalid, "argument 'out' overlaps the memory of argument 'q'"));
  EXPECT_EQ(shared, before) << "nothing may be written on a rejected call";
}

TEST_F(Validation, OutputDirectlyAfterAnInputIsAccepted) {
  const std::size_t q_size = problem.q.size();
  std::vector<float> shared(q_size + problem.out.size(), 0.0f);
  Arguments call = arguments;
  call.q = TensorView::contiguous(shared.data(), DType::F32, {2, 4, 3, 16});
  call.out = TensorView::contiguous(shared.data() + q_size, DType::F32, {2, 4, 3, 8});
  EXPECT_NO_THROW(kernel(call));
}

TEST_F(Validation, OutputWithZeroStrideOverSeveralElementsIsRejected) {
  arguments.out.strides[2] = 0;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid,
                      "argument 'out': dimension Nq has stride 0, so different output elements would share memory"));
}

TEST_F(Validation, OutputWhoseRowsOverlapIsRejected) {
  arguments.out.strides[2] = 4; // row i + 1 starts halfway along row i's 8 elements
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid,
                      "argument 'out': dimension Nq (stride 4) steps inside the reach of dimension Dv (stride 1, "
                      "extent 8), so different output elements could share memory"));
}

TEST_F(Validation, OutputWithHeadsInterleavedAlongTheSequenceIsAccepted) {
  // [B, Nq, Hq, Dv] memory seen as [B, Hq, Nq, Dv]: strides out of order, no overlap.
  const ToyShape &shape = problem.shape;
  arguments.out = TensorView::contiguous(problem.out.data(), DType::F32, {shape.B, shape.Nq, shape.Hq, shape.Dv})
                      .permuted({0, 2, 1, 3});
  EXPECT_NO_THROW(kernel(arguments));
}

TEST_F(Validation, BroadcastInputWithZeroStrideIsAccepted) {
  arguments.k.strides[1] = 0; // both key heads read the same memory
  arguments.v.strides[1] = 0;
  EXPECT_NO_THROW(kernel(arguments));
}

TEST_F(Validation, VariantsOwnCheckRunsAfterTheGenericRules) {
  arguments.params["mode"] = 3;
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "toy:f32:dany:x86-64: toy check refuses mode 3"));
  arguments.k.dtype = DType::F16; // a generic rule fails first: the plugin's check never sees the call
  EXPECT_TRUE(rejects(kernel, arguments, problem, kInvalid, "argument 'k': expected dtype f32"));
}

TEST_F(Validation, VariantsCheckCanDeclareTheCallUnsupported) {
  arguments.params["mode"] = 4;
  EXPECT_TRUE(rejects(kernel, arguments, problem, ErrorCategory::Unsupported,
                      "toy:f32:dany:x86-64: toy check: mode 4 is not supported"));
}

} // namespace
} // namespace attnforge
