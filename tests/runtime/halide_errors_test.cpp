// The Halide error capture plugins use to explain a failed pipeline.
#include "attnforge/halide_errors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>

// Exported by libattnforge's embedded Halide runtime.
extern "C" void halide_error(void *user_context, const char *message);

namespace {

TEST(HalideErrors, LastMessageOnThisThreadIsKeptWithoutTrailingNewline) {
  halide_error(nullptr, "first");
  halide_error(nullptr, "Input buffer q is accessed at 64, which is beyond the max (63)\n");
  EXPECT_STREQ(attnforge_last_halide_error(), "Input buffer q is accessed at 64, which is beyond the max (63)");
}

TEST(HalideErrors, ClearForgetsTheMessage) {
  halide_error(nullptr, "something failed");
  attnforge_clear_halide_error();
  EXPECT_STREQ(attnforge_last_halide_error(), "");
}

TEST(HalideErrors, OtherThreadsDoNotSeeThisThreadsMessage) {
  attnforge_clear_halide_error();
  std::thread([] { halide_error(nullptr, "on another thread"); }).join();
  EXPECT_STREQ(attnforge_last_halide_error(), "");
}

TEST(HalideErrors, VeryLongMessageIsTruncatedNotOverflowed) {
  const std::string huge(5000, 'x');
  halide_error(nullptr, huge.c_str());
  const std::size_t length = std::strlen(attnforge_last_halide_error());
  EXPECT_GT(length, 500u);
  EXPECT_LT(length, huge.size());
}

} // namespace
