// Every broken layout and parameter is refused before the kernel runs, with
// an InvalidArgument error naming what is wrong, and the output untouched.
#include <gtest/gtest.h>

#include <functional>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

const AttentionShape kShape{1, 2, 2, 130, 130, 64, 64}; // Nqb = Nkb = 3

ExplicitLayout good_layout() {
  return ExplicitLayout{.counts = {1, 2, 3}, .max_blocks = 3, .indices = {0, 0, 0, 0, 1, 0, 0, 1, 2}, .full = {}};
}

// Runs the kernel on `arguments` after `change`; expects InvalidArgument
// whose message contains `expected`, and every output element still NaN.
void expect_rejected(const std::function<void(ExplicitLayout &, Arguments &)> &change, const std::string &expected,
                     bool with_layout = true) {
  reference::Random random;
  SparseCase sparse_case{.shape = kShape};
  sparse_case.pattern.window_left = 8;
  reference::AttentionInputs inputs = make_sparse_inputs(sparse_case, random);
  ExplicitLayout layout = good_layout();
  Arguments arguments = inputs.arguments(params_of(sparse_case));
  if (with_layout) add_layout_arguments(layout, 3, arguments.tensors);
  change(layout, arguments);
  try {
    shared_registry().kernel("sparse")(arguments);
    ADD_FAILURE() << "accepted; expected an error containing \"" << expected << "\"";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument) << error.what();
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  }
  const TensorView &out = inputs.out.view();
  const float *data = static_cast<const float *>(out.data);
  for (int64_t n = 0; n < out.element_count(); ++n) {
    if (!std::isnan(data[n])) {
      ADD_FAILURE() << "output element " << n << " was written";
      break;
    }
  }
}

TEST(SparseInvalid, GoodLayoutIsAccepted) {
  reference::Random random;
  SparseCase sparse_case{.shape = kShape, .layout = good_layout()};
  sparse_case.pattern.window_left = 8;
  check_sparse_attention(sparse_case);
}

TEST(SparseInvalid, IndexOutOfRange) {
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.indices[8] = 3; }, "element [2, 2] is 3");
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.indices[0] = -1; }, "expected a key block in [0, Nkb = 3)");
}

TEST(SparseInvalid, UnsortedOrDuplicateIndices) {
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.indices[4] = 0, l.indices[3] = 1; }, "ascending");
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.indices[4] = 0; }, "duplicate");
}

TEST(SparseInvalid, CountsOutOfRange) {
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.counts[0] = 4; }, "expected a value in [0, Mb = 3]");
  expect_rejected([](ExplicitLayout &l, Arguments &) { l.counts[1] = -1; }, "block_count");
}

TEST(SparseInvalid, LayoutShapes) {
  // Nqb must be ceil(Nq / 64) = 3.
  expect_rejected(
      [](ExplicitLayout &l, Arguments &a) {
        a.tensors["block_count"] = TensorView::contiguous(l.counts.data(), DType::I32, {2});
        a.tensors["block_index"] = TensorView::contiguous(l.indices.data(), DType::I32, {2, 3});
      },
      "argument 'block_count': expected shape");
  expect_rejected(
      [](ExplicitLayout &l, Arguments &a) {
        a.tensors["block_index"] = TensorView::contiguous(l.indices.data(), DType::I32, {3, 2});
        a.tensors["block_full"] = TensorView::contiguous(l.indices.data(), DType::U8, {3, 3});
      },
      "block_full");
  expect_rejected([](ExplicitLayout &l, Arguments &a) {
    a.tensors["block_index"] = TensorView::contiguous(l.indices.data(), DType::F32, {3, 3});
  }, "block_index");
}

TEST(SparseInvalid, LayoutTensorsComeTogether) {
  expect_rejected([](ExplicitLayout &, Arguments &a) { a.tensors.erase("block_index"); }, "only block_count");
  expect_rejected(
      [](ExplicitLayout &l, Arguments &a) {
        a.tensors.erase("block_count");
        a.tensors.erase("block_index");
        l.full.assign(9, 1);
        a.tensors["block_full"] = TensorView::contiguous(l.full.data(), DType::U8, {3, 3});
      },
      "neither");
}

TEST(SparseInvalid, PatternParameters) {
  const auto set = [](const char *name, double value) {
    return [name, value](ExplicitLayout &, Arguments &a) { a.params[name] = value; };
  };
  expect_rejected(set("window_left", -2), "window_left", false);
  expect_rejected(set("window_right", 0.5), "window_right", false);
  expect_rejected(set("stride", -1), "stride", false);
  expect_rejected(set("num_global", -3), "num_global", false);
  expect_rejected(set("stride_one_sided", 2), "stride_one_sided", false);
  expect_rejected(set("scale", 0), "scale", false);
}

TEST(SparseInvalid, NoPatternAndNoLayout) {
  expect_rejected([](ExplicitLayout &, Arguments &a) { a.params["window_left"] = -1; }, "no pattern part", false);
}

TEST(SparseInvalid, HelperRejectsBadLayoutsDirectly) {
  ExplicitLayout layout = good_layout();
  layout.indices[5] = 0; // row 1: {0, 0}
  const TensorView count = TensorView::contiguous(layout.counts.data(), DType::I32, {3});
  const TensorView index = TensorView::contiguous(layout.indices.data(), DType::I32, {3, 3});
  layout.indices[4] = 0;
  try {
    validate_block_layout(count, index, {}, 130, 130, 64);
    ADD_FAILURE() << "accepted a duplicate";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
  }
  EXPECT_THROW(validate_block_layout(count, index, {}, 130, 130, 0), Error);
}

} // namespace
} // namespace attnforge::testing
