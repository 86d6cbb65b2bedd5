#include <gtest/gtest.h>

#include "attnforge/error.hpp"
#include "measurements.hpp"

namespace attnforge::tune {
namespace {

TuningPlan three_candidates() {
  TuningPlan plan;
  for (const char *name : {"c00", "c01", "c02"}) plan.candidates.push_back(Candidate{name, {}, {}});
  return plan;
}

// A candidate timed in rounds beside the baseline.
CandidateResult rounds(std::vector<double> round_ms, std::vector<double> baseline_ms) {
  CandidateResult result;
  result.error = 1e-7;
  result.round_ms = std::move(round_ms);
  result.baseline_ms = std::move(baseline_ms);
  return result;
}

TEST(Ranking, ComparesEachCandidateWithTheBaselineTimedBesideIt) {
  Measurements measurements;
  measurements.candidates["c00"] = rounds({}, {});
  // The host slows down in c01's second round, baseline and all: c01 still
  // wins every round.
  measurements.candidates["c01"] = rounds({9, 18, 9.5}, {10, 20, 10});
  measurements.candidates["c02"] = rounds({11, 19, 12}, {10, 20, 10});
  const auto standings = rank_candidates(three_candidates(), measurements);
  ASSERT_EQ(standings.size(), 3u);
  EXPECT_EQ(standings[0].name, "c01");
  EXPECT_DOUBLE_EQ(standings[0].ratio, 0.9);  // median of 0.9, 0.9, 0.95
  EXPECT_DOUBLE_EQ(standings[0].median_ms, 9.5);
  EXPECT_EQ(standings[0].faster_rounds, 3u);
  EXPECT_DOUBLE_EQ(standings[0].chance, 0.125);
  EXPECT_EQ(standings[1].name, "c00");
  EXPECT_DOUBLE_EQ(standings[1].ratio, 1.0);
  EXPECT_DOUBLE_EQ(standings[1].median_ms, 10);  // over all six of its times
  EXPECT_EQ(standings[1].rounds, 6u);
  EXPECT_EQ(standings[2].name, "c02");
  EXPECT_DOUBLE_EQ(standings[2].ratio, 1.1);  // median of 1.1, 0.95, 1.2
  EXPECT_EQ(standings[2].faster_rounds, 1u);
}

TEST(Ranking, LeavesOutFailedAndUnmeasuredCandidates) {
  Measurements measurements;
  measurements.candidates["c00"] = rounds({}, {});
  measurements.candidates["c01"] = rounds({1, 1}, {10, 10});
  measurements.candidates["c01"].failure = "over the error budget: 0.3 > 1e-05";
  measurements.candidates["c02"] = rounds({11}, {10});
  const auto standings = rank_candidates(three_candidates(), measurements);
  ASSERT_EQ(standings.size(), 2u);
  EXPECT_EQ(standings[0].name, "c00");
  EXPECT_EQ(standings[1].name, "c02");
}

TEST(Ranking, NeedsABaselineTimedBesideSomeCandidate) {
  Measurements measurements;
  measurements.candidates["c00"] = rounds({}, {});
  EXPECT_THROW(rank_candidates(three_candidates(), measurements), Error);
  measurements.candidates["c01"] = rounds({1}, {2});
  measurements.candidates["c00"].failure = "not built (run attnforge-tune build)";
  try {
    rank_candidates(three_candidates(), measurements);
    FAIL() << "expected InvalidArgument";
  } catch (const Error &error) {
    EXPECT_NE(std::string(error.what()).find("not built"), std::string::npos) << error.what();
  }
}

TEST(Ranking, SignTestChanceIsTheBinomialTail) {
  EXPECT_DOUBLE_EQ(sign_test_chance(7, 7), 1.0 / 128);
  EXPECT_DOUBLE_EQ(sign_test_chance(6, 7), 8.0 / 128);
  EXPECT_DOUBLE_EQ(sign_test_chance(9, 10), 11.0 / 1024);
  EXPECT_DOUBLE_EQ(sign_test_chance(0, 5), 1.0);
  EXPECT_DOUBLE_EQ(sign_test_chance(3, 6), 42.0 / 64);
}

TEST(Measurements, RoundTripThroughJson) {
  Measurements measurements{"B=1 H=16 N=4096 D=64", "Xeon, 2 threads", 10, {}};
  measurements.candidates["c00"] = rounds({1.5, 2.5}, {1.6, 2.4});
  measurements.candidates["c00"].variant = "linear:f32:d64:x86-64-avx512";
  measurements.candidates["c01"].failure = "not built";
  const Measurements read = measurements_from_json(to_json(measurements), "test");
  EXPECT_EQ(to_json(read), to_json(measurements));
  EXPECT_FALSE(read.candidates.at("c01").error.has_value());
  EXPECT_THROW(measurements_from_json(Json::parse(R"({"problem": 3})"), "test"), Error);
  Json uneven = to_json(measurements);
  uneven["candidates"]["c00"]["baseline_ms"] = {1.6};
  EXPECT_THROW(measurements_from_json(uneven, "test"), Error);
}

} // namespace
} // namespace attnforge::tune
