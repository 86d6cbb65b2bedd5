// Tensor views: dense construction, permutation and description.
#include "test_support.hpp"

namespace attnforge {
namespace {

using ::testing::ElementsAre;

std::vector<int64_t> shape_of(const TensorView &view) { return {view.shape.begin(), view.shape.begin() + view.rank}; }
std::vector<int64_t> strides_of(const TensorView &view) {
  return {view.strides.begin(), view.strides.begin() + view.rank};
}

TEST(TensorView, ContiguousViewHasRowMajorStrides) {
  float data[1];
  const TensorView view = TensorView::contiguous(data, DType::F16, {2, 8, 128, 64});
  EXPECT_EQ(view.rank, 4);
  EXPECT_EQ(view.dtype, DType::F16);
  EXPECT_EQ(view.device, Device::CPU);
  EXPECT_THAT(strides_of(view), ElementsAre(8 * 128 * 64, 128 * 64, 64, 1));
}

TEST(TensorView, PermutedTurnsBnhdMemoryIntoABhndView) {
  const int64_t B = 2, N = 5, H = 3, D = 4;
  std::vector<float> memory(B * N * H * D);
  const TensorView bnhd = TensorView::contiguous(memory.data(), DType::F32, {B, N, H, D});
  const TensorView bhnd = bnhd.permuted({0, 2, 1, 3});
  EXPECT_THAT(shape_of(bhnd), ElementsAre(B, H, N, D));
  EXPECT_THAT(strides_of(bhnd), ElementsAre(N * H * D, D, H * D, 1));
  EXPECT_EQ(bhnd.data, bnhd.data);
  // Every (b, h, n, d) of the view lands on element [b, n, h, d] of the memory.
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t n = 0; n < N; ++n)
        for (int64_t d = 0; d < D; ++d) {
          const int64_t offset = b * bhnd.strides[0] + h * bhnd.strides[1] + n * bhnd.strides[2] + d * bhnd.strides[3];
          ASSERT_EQ(offset, ((b * N + n) * H + h) * D + d);
        }
}

TEST(TensorView, PermutingTwiceByAnInverseGivesTheOriginal) {
  float data[1];
  const TensorView view = TensorView::contiguous(data, DType::F32, {2, 3, 5, 7});
  const TensorView round_trip = view.permuted({2, 0, 3, 1}).permuted({1, 3, 0, 2});
  EXPECT_EQ(shape_of(round_trip), shape_of(view));
  EXPECT_EQ(strides_of(round_trip), strides_of(view));
}

TEST(TensorView, PermutedRejectsAnOrderThatIsNotAPermutation) {
  float data[1];
  const TensorView view = TensorView::contiguous(data, DType::F32, {2, 3, 5, 7});
  for (auto order : {std::initializer_list<int>{0, 0, 1, 3}, {0, 1, 2}, {0, 1, 2, 4}, {-1, 0, 1, 2}}) {
    const Error error = testing::error_from([&] { (void)view.permuted(order); });
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
  }
}

TEST(TensorView, ContiguousRejectsMoreThanFourDimensions) {
  float data[1];
  const Error error = testing::error_from([&] { TensorView::contiguous(data, DType::F32, {1, 2, 3, 4, 5}); });
  EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
}

TEST(TensorView, CountsElementsAndDescribesItsShape) {
  float data[1];
  const TensorView view = TensorView::contiguous(data, DType::F32, {2, 8, 128, 64});
  EXPECT_EQ(view.element_count(), 2 * 8 * 128 * 64);
  EXPECT_EQ(view.shape_string(), "[2, 8, 128, 64]");
  const TensorView scalar = TensorView::contiguous(data, DType::F32, {});
  EXPECT_EQ(scalar.element_count(), 1);
  EXPECT_EQ(scalar.shape_string(), "[]");
  EXPECT_FALSE(TensorView{}.present());
}

TEST(TensorView, NamesAndSizesOfDtypesDevicesAndErrorCategories) {
  EXPECT_STREQ(to_string(DType::BF16), "bf16");
  EXPECT_STREQ(to_string(DType::U8), "u8");
  EXPECT_EQ(size_of(DType::F16), 2u);
  EXPECT_EQ(size_of(DType::I32), 4u);
  EXPECT_STREQ(to_string(Device::CUDA), "cuda");
  EXPECT_STREQ(to_string(ErrorCategory::InvalidArgument), "invalid argument");
  EXPECT_STREQ(to_string(ErrorCategory::PluginLoad), "plugin load");
}

} // namespace
} // namespace attnforge
