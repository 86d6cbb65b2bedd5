// The call fuzzer's rules (linear_call_fuzz.hpp) on fresh random byte
// strings, as CI runs them: every breakage many times, and valid calls of
// every shape, order, mask and feature map the decoder reaches. A failure
// prints the call and its bytes, which the libFuzzer target replays.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "attention_check.hpp"
#include "linear_call_fuzz.hpp"

namespace attnforge::fuzz {
namespace {

constexpr int kBytesPerCall = 48;  // more than any decode reads
constexpr int kCallsPerBreakage = 12;
constexpr int kValidCalls = 160;

std::vector<uint8_t> random_bytes(reference::Random &random, uint8_t first) {
  std::vector<uint8_t> bytes(kBytesPerCall);
  for (uint8_t &byte : bytes) byte = static_cast<uint8_t>(random.integer(0, 255));
  bytes[0] = first;
  return bytes;
}

std::string hex(const std::vector<uint8_t> &bytes) {
  std::string text;
  char digits[3];
  for (uint8_t byte : bytes) {
    std::snprintf(digits, sizeof digits, "%02x", byte);
    text += digits;
  }
  return text;
}

FuzzOutcome run_and_report(const std::vector<uint8_t> &bytes) {
  FuzzOutcome outcome = fuzz_linear_call(testing::shared_registry(), bytes);
  for (const std::string &rule : outcome.broken_rules) {
    ADD_FAILURE() << outcome.call << "\n  " << rule << "\n  replay: echo " << hex(bytes)
                  << " | xxd -r -p > case && attnforge_linear_call_fuzzer case";
  }
  return outcome;
}

TEST(LinearCallFuzz, EveryBreakageIsRejectedAsTheContractSays) {
  reference::Random random;
  SCOPED_TRACE(random.replay_hint());
  for (int kind = 1; kind < kBreakageCount; ++kind) {
    for (int n = 0; n < kCallsPerBreakage; ++n) {
      const FuzzOutcome outcome = run_and_report(random_bytes(random, static_cast<uint8_t>(kind)));
      ASSERT_EQ(outcome.breakage, static_cast<Breakage>(kind)) << "the first byte picks the breakage";
    }
  }
}

TEST(LinearCallFuzz, ValidCallsMatchTheReference) {
  reference::Random random;
  SCOPED_TRACE(random.replay_hint());
  for (int n = 0; n < kValidCalls; ++n) {
    // First bytes from kBreakageCount up decode to valid calls.
    const auto first = static_cast<uint8_t>(kBreakageCount + random.integer(0, kBreakageCount - 1));
    const FuzzOutcome outcome = run_and_report(random_bytes(random, first));
    ASSERT_EQ(outcome.breakage, Breakage::None);
  }
}

TEST(LinearCallFuzz, TheEmptyStringIsAValidCall) {
  const FuzzOutcome outcome = run_and_report({});
  EXPECT_EQ(outcome.breakage, Breakage::None);
  EXPECT_TRUE(outcome.accepted) << outcome.call;
}

} // namespace
} // namespace attnforge::fuzz
