#include <gtest/gtest.h>

#include "attnforge/error.hpp"
#include "tuned_file.hpp"

namespace attnforge::tune {
namespace {

const Json kTuned = Json::parse(R"({
  "kernel": "linear", "target": "x86-64-avx512",
  "params": {"tile": 512, "block": 4, "width": 16},
  "head_dim_0": {"tile": 128},
  "found": {"machine": "m", "result": "r"}
})");

TEST(TunedFile, AHeadSizesSectionOverridesTheSharedParams) {
  EXPECT_EQ(tuned_params(kTuned, 64, "t"), Json::parse(R"({"tile": 512, "block": 4, "width": 16})"));
  EXPECT_EQ(tuned_params(kTuned, 0, "t"), Json::parse(R"({"tile": 128, "block": 4, "width": 16})"));
  EXPECT_EQ(head_dim_section(0), "head_dim_0");
}

TEST(TunedFile, MalformedFilesAreRejectedNamingThem) {
  for (const char *text : {R"({"kernel": "linear"})", R"({"params": [1]})", R"({"params": {}, "head_dim_64": 3})"}) {
    try {
      tuned_params(Json::parse(text), 64, "bad.json");
      ADD_FAILURE() << text;
    } catch (const Error &error) {
      EXPECT_EQ(error.category(), ErrorCategory::InvalidArgument);
      EXPECT_NE(std::string(error.what()).find("bad.json"), std::string::npos) << error.what();
    }
  }
}

TEST(TunedFile, AWinnerLandsInItsHeadSizesSectionOnly) {
  const Json found = {{"result", "tuned"}};
  const Json updated = with_winner(kTuned, 64, Json::parse(R"({"tile": 256, "block": 4, "width": 16})"), found);
  EXPECT_EQ(updated["params"], kTuned["params"]);      // other head sizes keep theirs
  EXPECT_EQ(updated["head_dim_0"], kTuned["head_dim_0"]);
  EXPECT_EQ(updated["head_dim_64"], Json::parse(R"({"tile": 256})"));  // only what differs from "params"
  EXPECT_EQ(updated["found"]["machine"], "m");
  EXPECT_EQ(updated["found"]["head_dim_64"], found);
  EXPECT_EQ(tuned_params(updated, 64, "t")["tile"], 256);
  EXPECT_EQ(updated["kernel"], "linear");
}

TEST(TunedFile, AWinnerEqualToTheSharedParamsEmptiesItsSection) {
  const Json updated = with_winner(kTuned, 0, Json::parse(R"({"tile": 512, "block": 4, "width": 16})"), {});
  EXPECT_FALSE(updated.contains("head_dim_0"));
  EXPECT_EQ(tuned_params(updated, 0, "t"), kTuned["params"]);
}

} // namespace
} // namespace attnforge::tune
