// The Halide error capture plugins use to explain a failed pipeline.
#include "attnforge/halide_errors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

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

// A parallel Halide loop reports a failure on the worker thread that hit it,
// with the call's user_context: the call's sink must get it.
TEST(HalideErrors, ErrorOnAWorkerThreadReachesTheCallsSink) {
  attnforge_halide_error_sink sink{ATTNFORGE_HALIDE_ERROR_SINK_TAG, 0, ""};
  std::thread([&sink] { halide_error(&sink, "allocation of scores failed\n"); }).join();
  EXPECT_STREQ(sink.message, "allocation of scores failed");
}

TEST(HalideErrors, SinkKeepsTheCallsFirstError) {
  attnforge_halide_error_sink sink{ATTNFORGE_HALIDE_ERROR_SINK_TAG, 0, ""};
  halide_error(&sink, "the cause");
  halide_error(&sink, "a consequence");
  EXPECT_STREQ(sink.message, "the cause");
}

TEST(HalideErrors, WorkersFailingAtOnceLeaveOneWholeMessage) {
  attnforge_halide_error_sink sink{ATTNFORGE_HALIDE_ERROR_SINK_TAG, 0, ""};
  std::set<std::string> sent;
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 8; ++worker) {
    std::string message = "worker " + std::to_string(worker) + " failed: ";
    message.append(600, static_cast<char>('a' + worker));
    sent.insert(message);
    workers.emplace_back([&sink, message] { halide_error(&sink, message.c_str()); });
  }
  for (std::thread &worker : workers) worker.join();
  EXPECT_EQ(sent.count(sink.message), 1u) << "not one worker's whole message: " << sink.message;
}

// A pipeline of someone else's may use user_context for its own data.
TEST(HalideErrors, ContextWithoutTheTagIsNotWritten) {
  attnforge_halide_error_sink other{};
  other.tag = 42;
  halide_error(&other, "must not land here");
  EXPECT_STREQ(other.message, "");
  EXPECT_EQ(other.claimed, 0);
  EXPECT_STREQ(attnforge_last_halide_error(), "must not land here");
}

TEST(HalideErrors, SinkIsEmptyWhenNothingFailed) {
  attnforge_halide_error_sink sink{ATTNFORGE_HALIDE_ERROR_SINK_TAG, 0, ""};
  halide_error(nullptr, "another call's error, without a sink");
  EXPECT_STREQ(sink.message, "");
}

} // namespace
