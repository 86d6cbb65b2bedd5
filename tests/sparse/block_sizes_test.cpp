// Both layout block sizes under the one kernel name: a call's block_size
// picks the variants built for it (64 when it sets none), they match the
// reference on ragged shapes, and a pinned variant refuses another block size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sparse_attention_check.hpp"

namespace attnforge::testing {
namespace {

using ::testing::HasSubstr;

const AttentionShape kRagged{1, 2, 2, 1000, 700, 64, 64}; // neither a multiple of 128, Nq != Nk

std::string block_tag(int64_t block_size) { return ":b" + std::to_string(block_size) + ":"; }

reference::AttentionInputs ragged_inputs(reference::Random &random) {
  SparseCase ragged;
  ragged.shape = kRagged;
  return make_sparse_inputs(ragged, random);
}

// The attnforge::Error `kernel` throws on `arguments`; a test failure if none.
Error error_from(const Kernel &kernel, const Arguments &arguments) {
  try {
    kernel(arguments);
  } catch (const Error &error) {
    return error;
  }
  ADD_FAILURE() << "the call was accepted";
  return Error(ErrorCategory::Runtime, "(no error thrown)");
}

// The variant a call with these params would run on kRagged inputs.
const VariantInfo &chosen_for(const std::map<std::string, double> &params) {
  reference::Random random;
  reference::AttentionInputs inputs = ragged_inputs(random);
  return shared_registry().kernel("sparse").choose(inputs.arguments(params));
}

TEST(SparseBlockSizes, EveryBlockSizeBuiltHasUsableVariantsDeclaringIt) {
  for (int64_t block_size : kBuiltBlockSizes) {
    const auto variants = usable_variants("sparse", kRagged, {{"block_size", double(block_size)}});
    ASSERT_FALSE(variants.empty()) << "block_size " << block_size;
    for (const VariantInfo *variant : variants) {
      EXPECT_THAT(variant->id, HasSubstr(block_tag(block_size)));
    }
  }
}

TEST(SparseBlockSizes, CallsBlockSizeChoosesTheVariantBuiltForIt) {
  for (int64_t block_size : kBuiltBlockSizes) {
    const VariantInfo &chosen = chosen_for({{"window_left", 8}, {"block_size", double(block_size)}});
    EXPECT_THAT(chosen.id, HasSubstr(block_tag(block_size)));
  }
}

TEST(SparseBlockSizes, CallWithoutBlockSizeRunsBlockSize64) {
  EXPECT_THAT(chosen_for({{"window_left", 8}}).id, HasSubstr(block_tag(kDefaultBlockSize)));
}

TEST(SparseBlockSizes, BlockSizeNoVariantIsBuiltForIsUnsupportedSayingWhichAre) {
  reference::Random random;
  reference::AttentionInputs inputs = ragged_inputs(random);
  const Error error =
      error_from(shared_registry().kernel("sparse"), inputs.arguments({{"window_left", 8}, {"block_size", 96}}));
  EXPECT_EQ(error.category(), ErrorCategory::Unsupported) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("block_size = 96, this variant takes block_size = 64"));
  EXPECT_THAT(error.what(), HasSubstr("block_size = 96, this variant takes block_size = 128"));
}

TEST(SparseBlockSizes, PinnedVariantGivenAnotherBlockSizeIsRejectedUntouched) {
  // The portable x86-64 variants run on every x86 machine.
  const std::string id = "sparse:f32:d64:b128:x86-64";
  reference::Random random;
  reference::AttentionInputs inputs = ragged_inputs(random);
  inputs.out.poison();
  const Error error =
      error_from(shared_registry().variant(id), inputs.arguments({{"window_left", 8}, {"block_size", 64}}));
  EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("parameter 'block_size': expected 128, the only value variant " + id +
                                      " is built for, got 64"));
  const TensorView &out = inputs.out.view();
  for (int64_t n = 0; n < out.element_count(); ++n) {
    ASSERT_TRUE(std::isnan(static_cast<const float *>(out.data)[n])) << "output element " << n << " was written";
  }
}

TEST(SparseBlockSizes, LayoutForAnotherBlockSizeIsRejected) {
  // 16 query blocks of 64 where block_size 128 needs ceil(1000 / 128) = 8.
  SparsePattern pattern;
  pattern.window_left = 8;
  const BlockLayout layout_of_64 = build_block_layout(pattern, kRagged.queries, kRagged.keys, 64);
  reference::Random random;
  reference::AttentionInputs inputs = ragged_inputs(random);
  Arguments arguments = inputs.arguments({{"window_left", 8}, {"block_size", 128}});
  arguments.tensors["block_count"] = layout_of_64.count_view();
  arguments.tensors["block_index"] = layout_of_64.index_view();
  const Error error = error_from(shared_registry().kernel("sparse"), arguments);
  EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("argument 'block_count': expected shape [Nqb = ceil(Nq / block_size 128)"));
}

// Patterns with the layout the 128 variants build themselves, on shapes that
// leave ragged blocks (the layout tests cover caller-given 128 layouts).
TEST(SparseBlockSizes, PatternsMatchTheReferenceWithBlockSize128) {
  const SparsePattern mixed{
      .window_left = 150, .window_right = 20, .stride = 77, .num_global = 3, .causal = true};
  check_sparse_attention({.shape = kRagged, .pattern = mixed, .block_size = 128});
  check_sparse_attention(
      {.shape = {2, 2, 1, 257, 257, 64, 64}, .pattern = {.window_left = 40, .window_right = 40}, .block_size = 128});
  check_sparse_attention({.shape = {1, 3, 3, 130, 300, 32, 48},
                          .pattern = {.stride = 128, .stride_one_sided = true},
                          .kv_len = {250},
                          .block_size = 128});
}

} // namespace
} // namespace attnforge::testing
