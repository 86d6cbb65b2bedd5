// Halide kernels index with 32 bits: a view that spans more elements must be
// refused before any kernel runs, not silently truncated into wrong reads.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "full_attention_check.hpp"

namespace attnforge::testing {
namespace {

TEST(FullAttention, ViewsBeyond32BitIndexingAreRefusedAndOutputUntouched) {
  // q's two heads lie 2^31 floats apart, in address space reserved without
  // access rights: a kernel that read q at all would crash the test.
  const size_t span_bytes = ((size_t{1} << 31) + 4 * 64) * sizeof(float);
  void *reserved = mmap(nullptr, span_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(reserved, MAP_FAILED);
  std::vector<float> k(2 * 4 * 64, 0.25f), v(k.size(), 1.0f);
  std::vector<float> out(k.size(), std::nanf(""));
  const std::vector<float> poisoned = out;
  Arguments arguments;
  arguments.q = TensorView::contiguous(reserved, DType::F32, {1, 2, 4, 64});
  arguments.k = TensorView::contiguous(k.data(), DType::F32, {1, 2, 4, 64});
  arguments.v = TensorView::contiguous(v.data(), DType::F32, {1, 2, 4, 64});
  arguments.out = TensorView::contiguous(out.data(), DType::F32, {1, 2, 4, 64});
  arguments.q.strides[1] = int64_t{1} << 31;

  try {
    shared_registry().kernel("full")(arguments);
    FAIL() << "a q view spanning more than 2^31 elements was accepted";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::Unsupported) << error.what();
    EXPECT_NE(std::string(error.what()).find("argument 'q'"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("32 bits"), std::string::npos) << error.what();
  }
  EXPECT_EQ(std::memcmp(out.data(), poisoned.data(), out.size() * sizeof(float)), 0);
  munmap(reserved, span_bytes);
}

} // namespace
} // namespace attnforge::testing
