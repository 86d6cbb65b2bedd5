#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "attnforge/error.hpp"
#include "tuned_file.hpp"
#include "tuning_plan.hpp"

namespace attnforge::tune {
namespace {

class TuningPlanFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("attnforge_plan_test_" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static TuningPlan make_plan(const Json &tuned) {
    const SearchSpace space =
        parse_search_space(Json::parse(R"({"kernel": "linear", "tunables": {"tile": [128, 512]}})"), "test");
    return TuningPlan{"linear", "x86-64-avx512", 64, "", "/src/linear.json", "neighbours",
                      neighbour_candidates(tuned_params(tuned, 64, "t"), space)};
  }

  std::filesystem::path dir_;
  const Json tuned_ = Json::parse(R"({
    "kernel": "linear", "params": {"tile": 512, "block": 4}, "head_dim_64": {"block": 6}, "head_dim_0": {"tile": 64},
    "found": {"result": "by hand"}})");
};

TEST_F(TuningPlanFiles, RoundTripsThroughItsDirectory) {
  const TuningPlan plan = make_plan(tuned_);
  write_plan(dir_, plan, tuned_);
  const TuningPlan read = read_plan(dir_);
  EXPECT_EQ(to_json(read), to_json(plan));
  EXPECT_EQ(read.head_dim, 64);
  EXPECT_EQ(read.candidate("c01").changed, Json::parse(R"({"tile": 128})"));
  EXPECT_EQ(candidate_plugin_dir(dir_, read.candidate("c01")), dir_ / "c01" / "plugins");
}

TEST_F(TuningPlanFiles, EachCandidatesTunedFileBuildsExactlyItsValues) {
  const TuningPlan plan = make_plan(tuned_);
  write_plan(dir_, plan, tuned_);
  for (const Candidate &candidate : plan.candidates) {
    const Json file = read_json_file(dir_ / candidate.name / "linear.json", "candidate");
    // No head-size section may override the candidate's values, for any head size.
    for (int head_dim : {0, 64, 128}) EXPECT_EQ(tuned_params(file, head_dim, "c"), candidate.params);
    EXPECT_EQ(file["kernel"], "linear");
  }
  EXPECT_EQ(plan.candidates[0].params, Json::parse(R"({"tile": 512, "block": 6})"));
}

TEST_F(TuningPlanFiles, ADirectoryWithAPlanIsNeverOverwritten) {
  write_plan(dir_, make_plan(tuned_), tuned_);
  const auto before = std::filesystem::last_write_time(plan_file(dir_));
  Json other = tuned_;
  other["params"]["tile"] = 1024;
  try {
    write_plan(dir_, make_plan(other), other);
    FAIL() << "expected InvalidArgument";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find("already holds a plan"), std::string::npos);
  }
  EXPECT_EQ(std::filesystem::last_write_time(plan_file(dir_)), before);
  EXPECT_EQ(read_plan(dir_).candidates[0].params["tile"], 512);
  EXPECT_EQ(read_json_file(dir_ / "c00" / "linear.json", "c")["params"]["tile"], 512);
}

TEST_F(TuningPlanFiles, ReadingAMissingOrBrokenPlanSaysWhich) {
  EXPECT_THROW(read_plan(dir_), Error);
  std::filesystem::create_directories(dir_);
  write_json_file(plan_file(dir_), Json::parse(R"({"kernel": "linear", "head_dim": "sixty"})"));
  try {
    read_plan(dir_);
    FAIL() << "expected InvalidArgument";
  } catch (const Error &error) {
    EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find(plan_file(dir_).string()), std::string::npos) << error.what();
  }
}

TEST_F(TuningPlanFiles, CandidateNamesStayInsideThePlansDirectory) {
  // build empties <dir>/<name>/plugins: a name must be one plain folder name.
  Json plan = to_json(make_plan(tuned_));
  for (const char *name : {"", "..", "../c00", "/tmp/x", "c 1"}) {
    plan["candidates"][1]["name"] = name;
    try {
      plan_from_json(plan, "plan.json");
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const Error &error) {
      EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument) << name;
      EXPECT_NE(std::string(error.what()).find("candidate name"), std::string::npos) << error.what();
    }
  }
}

TEST(HeadDim, IsAnyOrAPositiveSize) {
  EXPECT_EQ(parse_head_dim("any", "--head-dim"), 0);
  EXPECT_EQ(parse_head_dim("128", "--head-dim"), 128);
  for (const char *bad : {"", "0", "-64", "64x", "x64", "sixty-four"}) {
    EXPECT_THROW(parse_head_dim(bad, "--head-dim"), Error) << bad;
  }
}

} // namespace
} // namespace attnforge::tune
