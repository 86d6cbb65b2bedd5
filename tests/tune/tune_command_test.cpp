// attnforge-tune as a user runs it. The candidates' plugins here are the
// build's own linear plugin (linked into each candidate's plugin directory),
// so measure runs a real kernel against the reference without building
// candidates, which tuning_cmake_test and docs/tuning.md's runs cover.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "measurements.hpp"
#include "tuned_file.hpp"
#include "tuning_plan.hpp"

namespace attnforge::tune {
namespace {

namespace fs = std::filesystem;

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

ToolRun run_tune(const std::string &arguments) {
  const std::string command = fmt::format("{} {} 2>&1", ATTNFORGE_TUNE_BINARY, arguments);
  ToolRun run;
  FILE *pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (size_t read; (read = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string file_text(const fs::path &path) {
  std::ifstream stream(path);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

size_t count_matches(const std::string &text, const std::string &pattern) {
  const std::regex expression(pattern);
  return std::distance(std::sregex_iterator(text.begin(), text.end(), expression), std::sregex_iterator());
}

// A scratch directory holding a copy of linear's plain x86-64 tuned file (a
// target every x86-64 machine runs) and a search space for it.
class TuneCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = fs::temp_directory_path() / ("attnforge_tune_test_" + std::to_string(std::random_device{}()));
    fs::create_directories(scratch_);
    tuned_ = scratch_ / "linear.json";
    fs::copy_file(fs::path(ATTNFORGE_SOURCE_DIR) / "schedules/tuned/x86-64/linear.json", tuned_);
    space_ = scratch_ / "space.json";
    write_json_file(space_, Json::parse(R"({"kernel": "linear", "tunables": {"row_block": [2, 4], "query_tile": [32, 64]}})"));
    dir_ = scratch_ / "plan";
  }
  void TearDown() override { fs::remove_all(scratch_); }

  ToolRun plan(const std::string &extra = "") {
    return run_tune(fmt::format("plan linear --target x86-64 --head-dim 64 --dir {} --tuned {} --space {} {}",
                                dir_.string(), tuned_.string(), space_.string(), extra));
  }

  // Stands the build's linear plugin in for candidate `name`'s own.
  void link_shipped_plugin(const std::string &name) {
    fs::create_directory_symlink(ATTNFORGE_BUILD_PLUGIN_DIR, dir_ / name / "plugins");
  }

  fs::path scratch_, tuned_, space_, dir_;
};

TEST_F(TuneCommand, PlanWritesTheBaselineAndOneChangeAtATime) {
  const ToolRun run = plan();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const TuningPlan written = read_plan(dir_);
  ASSERT_EQ(written.candidates.size(), 3u) << run.output;  // baseline, row_block=4, query_tile=32
  EXPECT_EQ(written.candidates[0].params, tuned_params(read_json_file(tuned_, "t"), 64, "t"));
  EXPECT_EQ(written.tuned_file, tuned_);
  EXPECT_NE(run.output.find("c01  row_block=4"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("next      attnforge-tune build"), std::string::npos) << run.output;
}

TEST_F(TuneCommand, PlanRejectsBadInputAndWritesNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {fmt::format("plan nosuchkernel --target x86-64 --head-dim 64 --dir {}", dir_.string()), "tuned file"},
      {fmt::format("plan linear --target x86-64 --head-dim 64 --dir {} --tuned {} --space {}", dir_.string(),
                   tuned_.string(), (scratch_ / "missing.json").string()),
       "missing.json"},
      {fmt::format("plan linear --target x86-64 --head-dim sixty --dir {} --tuned {} --space {}", dir_.string(),
                   tuned_.string(), space_.string()),
       "--head-dim"},
      {fmt::format("plan linear --target x86-64-avx512 --head-dim 64 --dir {} --tuned {} --space {}", dir_.string(),
                   tuned_.string(), space_.string()),
       "its target is \"x86-64\", not 'x86-64-avx512'"},
  };
  for (const auto &[arguments, expected] : cases) {
    const ToolRun run = run_tune(arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments << "\n" << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << arguments << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_)) << arguments;
  }
  const std::vector<std::pair<std::string, std::string>> spaces = {
      {R"({"kernel": "linear", "tunables": {"no_such_tunable": [1, 2]}})", "'no_such_tunable' is not among the params"},
      {R"({"kernel": "linear", "tunables": {"row_block": [2]}})", "no value besides the current ones"},
  };
  for (const auto &[space, expected] : spaces) {
    write_json_file(space_, Json::parse(space));
    const ToolRun run = plan();
    EXPECT_EQ(run.exit_code, 2) << space;
    EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
    EXPECT_FALSE(fs::exists(dir_)) << space;
  }
}

TEST_F(TuneCommand, MeasureChecksAndTimesEveryBuiltCandidateAndResumes) {
  ASSERT_EQ(plan().exit_code, 0);
  link_shipped_plugin("c00");
  link_shipped_plugin("c01");  // c02 stays unbuilt
  const std::string problem = "--heads 2 --seq 100 --feature-map softmax --repeats 2";
  // Exit 1: done, but c02 was left out.
  const ToolRun first = run_tune(fmt::format("measure {} {} --rounds 2", dir_.string(), problem));
  ASSERT_EQ(first.exit_code, 1) << first.output;
  EXPECT_EQ(count_matches(first.output, R"(\[\d/2\] round \d c01  [0-9.]+ ms, c00 [0-9.]+ ms beside it)"), 2u)
      << first.output;
  EXPECT_NE(first.output.find("left out  c02: not built"), std::string::npos) << first.output;

  const Measurements measured = *read_measurements(dir_);
  for (const char *name : {"c00", "c01"}) {
    const CandidateResult &result = measured.candidates.at(name);
    EXPECT_EQ(result.variant, "linear:f32:d64:x86-64") << name;
    ASSERT_TRUE(result.error.has_value()) << name;
    EXPECT_LE(*result.error, 1e-5) << name;
  }
  const CandidateResult &timed = measured.candidates.at("c01");
  EXPECT_EQ(timed.round_ms.size(), 2u);
  EXPECT_EQ(timed.baseline_ms.size(), 2u);
  for (double ms : timed.round_ms) EXPECT_GT(ms, 0);
  for (double ms : timed.baseline_ms) EXPECT_GT(ms, 0);
  EXPECT_EQ(measured.candidates.at("c02").round_ms.size(), 0u);

  // A third round measures only the third round.
  const ToolRun resumed = run_tune(fmt::format("measure {} {} --rounds 3", dir_.string(), problem));
  ASSERT_EQ(resumed.exit_code, 1) << resumed.output;
  EXPECT_EQ(count_matches(resumed.output, R"(\[3/3\] round 3 c01 )"), 1u) << resumed.output;
  EXPECT_EQ(count_matches(resumed.output, R"(round [12] c0)"), 0u) << resumed.output;
  EXPECT_EQ(read_measurements(dir_)->candidates.at("c01").round_ms.size(), 3u);

  // The plan tunes head size 64: another is refused before anything runs.
  const std::string kept = file_text(results_file(dir_));
  const ToolRun other_size = run_tune(fmt::format("measure {} {} --head-dim 32", dir_.string(), problem));
  EXPECT_EQ(other_size.exit_code, 2) << other_size.output;
  EXPECT_NE(other_size.output.find("--head-dim 32: the plan tunes head size 64"), std::string::npos) << other_size.output;
  EXPECT_EQ(file_text(results_file(dir_)), kept);

  // Another problem would mix incomparable times: refused, results untouched.
  const std::string before = file_text(results_file(dir_));
  const ToolRun other = run_tune(fmt::format("measure {} --heads 2 --seq 64 --repeats 2 --rounds 4", dir_.string()));
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("pass the same problem options"), std::string::npos) << other.output;
  EXPECT_EQ(file_text(results_file(dir_)), before);
}

TEST_F(TuneCommand, MeasureNeedsTheBaselineAndTheVariantThePlanTunes) {
  ASSERT_EQ(plan().exit_code, 0);
  const ToolRun unbuilt = run_tune(fmt::format("measure {} --heads 1 --seq 16 --repeats 1 --rounds 1", dir_.string()));
  EXPECT_EQ(unbuilt.exit_code, 2) << unbuilt.output;
  EXPECT_NE(unbuilt.output.find("the baseline c00 cannot be measured: not built"), std::string::npos) << unbuilt.output;

  EXPECT_FALSE(fs::exists(results_file(dir_))) << "a rejected measure wrote results";

  // Built, but without the variant the plan tunes: its one file is no plugin.
  fs::create_directories(dir_ / "c00" / "plugins");
  std::ofstream(dir_ / "c00" / "plugins" / "libnot_a_plugin.so") << "not an ELF file";
  const ToolRun empty = run_tune(fmt::format("measure {} --heads 1 --seq 16 --repeats 1 --rounds 1", dir_.string()));
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_NE(empty.output.find("no linear variant for x86-64, head size 64"), std::string::npos) << empty.output;
  EXPECT_FALSE(fs::exists(results_file(dir_))) << "a rejected measure wrote results";
}

// results.json as measure writes it: six rounds, c01 at `ratio` of c00's
// time in `faster_rounds` of them and slower in the rest, c02 slower in all.
void write_results(const fs::path &dir, double ratio, int faster_rounds = 6) {
  Measurements measurements{"B=1 H=2 N=100 D=64", "test machine", 2, {}};
  CandidateResult baseline;
  baseline.variant = "linear:f32:d64:x86-64";
  baseline.error = 1e-7;
  measurements.candidates["c00"] = baseline;
  CandidateResult winner = baseline, loser = baseline;
  for (int round = 0; round < 6; ++round) {
    winner.round_ms.push_back(round < faster_rounds ? 10 * ratio : 11);
    winner.baseline_ms.push_back(10);
    loser.round_ms.push_back(12);
    loser.baseline_ms.push_back(10);
  }
  measurements.candidates["c01"] = winner;
  measurements.candidates["c02"] = loser;
  write_measurements(dir, measurements);
}

TEST_F(TuneCommand, ApplyWritesAClearWinnerIntoItsHeadSizesSection) {
  ASSERT_EQ(plan().exit_code, 0);
  const Json before = read_json_file(tuned_, "t");
  write_results(dir_, 0.5);
  const ToolRun run = run_tune(fmt::format("apply {}", dir_.string()));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const Json after = read_json_file(tuned_, "t");
  EXPECT_EQ(after["params"], before["params"]);
  EXPECT_EQ(tuned_params(after, 64, "t"), read_plan(dir_).candidate("c01").params);
  EXPECT_EQ(after["head_dim_64"], Json::parse(R"({"row_block": 4})"));
  EXPECT_NE(after["found"]["head_dim_64"]["result"].get<std::string>().find("c01 (row_block=4) took 0.500 of the current values' time (median of the ratios to them timed "
                                                                "beside it, over 6 rounds; faster in 6, chance 0.016)"),
            std::string::npos)
      << after.dump(2);
  EXPECT_EQ(after["found"]["head_dim_64"]["machine"], "test machine");
  EXPECT_EQ(after["found"]["result"], before["found"]["result"]);  // how "params" were found stays

  // Applying again finds the winner already there.
  const std::string text = file_text(tuned_);
  const ToolRun again = run_tune(fmt::format("apply {}", dir_.string()));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already holds c01's values"), std::string::npos) << again.output;
  EXPECT_EQ(file_text(tuned_), text);

  // A file edited since the plan: the measurements say nothing about it.
  Json edited = after;
  edited["head_dim_64"]["row_block"] = 6;
  write_json_file(tuned_, edited);
  const std::string edited_text = file_text(tuned_);
  const ToolRun stale = run_tune(fmt::format("apply {}", dir_.string()));
  EXPECT_EQ(stale.exit_code, 2) << stale.output;
  EXPECT_NE(stale.output.find("changed since the plan was made"), std::string::npos) << stale.output;
  EXPECT_EQ(file_text(tuned_), edited_text);
}

TEST_F(TuneCommand, ApplyKeepsTheCurrentValuesWithoutAClearGain) {
  ASSERT_EQ(plan().exit_code, 0);
  const std::string before = file_text(tuned_);
  write_results(dir_, 0.99);
  const ToolRun run = run_tune(fmt::format("apply {}", dir_.string()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("kept      the current values: the fastest other candidate, c01, took 0.990"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(file_text(tuned_), before);

  // Much faster in three rounds of six, slower in three: could be the host.
  write_results(dir_, 0.5, 3);
  const ToolRun unsure = run_tune(fmt::format("apply {}", dir_.string()));
  EXPECT_EQ(unsure.exit_code, 0) << unsure.output;
  EXPECT_NE(unsure.output.find("c01, took 0.800 of their time, faster in 3 of 6 rounds (chance 0.656)"),
            std::string::npos)
      << unsure.output;
  EXPECT_EQ(file_text(tuned_), before);

  // Asking for no gain at all takes c01's 0.99 in every round, but a dry run writes nothing.
  write_results(dir_, 0.99);
  const ToolRun dry = run_tune(fmt::format("apply {} --min-gain 0 --dry-run", dir_.string()));
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("\"head_dim_64\""), std::string::npos) << dry.output;
  EXPECT_EQ(file_text(tuned_), before);
}

TEST_F(TuneCommand, ApplyWithoutResultsSaysToMeasure) {
  ASSERT_EQ(plan().exit_code, 0);
  const ToolRun run = run_tune(fmt::format("apply {}", dir_.string()));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("run attnforge-tune measure"), std::string::npos) << run.output;
}

} // namespace
} // namespace attnforge::tune
