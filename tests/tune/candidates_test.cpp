#include <set>

#include <gtest/gtest.h>

#include "candidates.hpp"

namespace attnforge::tune {
namespace {

const Params kBaseline = Json::parse(R"({"tile": 128, "block": 4, "width": 16})");

SearchSpace space_of(const char *tunables) {
  return parse_search_space(Json::parse(std::string(R"({"kernel": "k", "tunables": )") + tunables + "}"), "test");
}

TEST(Candidates, NeighboursStartAtTheBaselineAndChangeOneTunableEach) {
  const auto candidates = neighbour_candidates(kBaseline, space_of(R"({"tile": [64, 128, 256], "block": [2, 4, 6]})"));
  ASSERT_EQ(candidates.size(), 5u);  // the baseline, then two other values of each tunable
  EXPECT_EQ(candidates[0].name, "c00");
  EXPECT_EQ(candidates[0].params, kBaseline);
  EXPECT_TRUE(candidates[0].changed.empty());
  std::set<Json> seen;
  for (size_t index = 1; index < candidates.size(); ++index) {
    const Candidate &candidate = candidates[index];
    EXPECT_EQ(candidate.name, "c0" + std::to_string(index));
    ASSERT_EQ(candidate.changed.size(), 1u) << describe_changes(candidate);
    for (const auto &[name, value] : kBaseline.items()) {
      // Every tunable of the tuned file is there, the changed one changed.
      EXPECT_EQ(candidate.params[name] != value, candidate.changed.contains(name)) << name;
    }
    EXPECT_EQ(candidate.params["width"], 16);  // not in the space: never touched
    EXPECT_TRUE(seen.insert(candidate.params).second) << "duplicate " << describe_changes(candidate);
  }
  EXPECT_EQ(describe_changes(candidates[1]), "tile=64");
  EXPECT_EQ(describe_changes(candidates[0]), "(current values)");
}

TEST(Candidates, RandomDrawsDistinctPointsAndTheSameOnesForTheSameSeed) {
  const SearchSpace space = space_of(R"({"tile": [64, 128, 256, 512], "block": [2, 4, 6, 8]})");
  const auto first = random_candidates(kBaseline, space, 8, 42);
  const auto again = random_candidates(kBaseline, space, 8, 42);
  const auto other = random_candidates(kBaseline, space, 8, 43);
  ASSERT_EQ(first.size(), 8u);
  EXPECT_EQ(first[0].params, kBaseline);
  std::set<Json> seen;
  for (size_t index = 0; index < first.size(); ++index) {
    EXPECT_TRUE(seen.insert(first[index].params).second) << first[index].name;
    EXPECT_EQ(first[index].params, again[index].params);
  }
  bool differs = false;
  for (size_t index = 1; index < first.size(); ++index) differs |= first[index].params != other[index].params;
  EXPECT_TRUE(differs) << "seeds 42 and 43 drew the same points";
}

TEST(Candidates, RandomStopsAtTheGridsSize) {
  // 2 x 2 points, one of them the baseline: at most 4 candidates however many are asked for.
  const auto candidates = random_candidates(kBaseline, space_of(R"({"tile": [64, 128], "block": [4, 8]})"), 50, 1);
  EXPECT_EQ(candidates.size(), 4u);
}

TEST(Candidates, NamesSortInPlanOrderPastAHundred) {
  Json values = Json::array();
  for (int value = 0; value < 120; ++value) values.push_back(1000 + value);
  const auto candidates =
      neighbour_candidates(kBaseline, space_of((R"({"tile": )" + values.dump() + "}").c_str()));
  ASSERT_EQ(candidates.size(), 121u);
  EXPECT_EQ(candidates[0].name, "c000");
  EXPECT_EQ(candidates[120].name, "c120");
}

} // namespace
} // namespace attnforge::tune
