// attnforge-tune build DIR: compiles every candidate of the plan into its own
// plugin, through the project's CMake build (cmake/AttnforgeTuning.cmake), so
// that each is built exactly as the shipped plugin is. Ninja's progress shows
// as it goes; a candidate that fails to build is reported and left out, and
// a second run rebuilds only what is out of date (plugins are relinked, so a
// failed link never leaves an old plugin behind).
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "commands.hpp"
#include "counted.hpp"
#include "process.hpp"
#include "tuning_plan.hpp"

namespace attnforge::tune {
namespace {

struct BuildOptions {
  std::string dir;
  std::string build_dir = ATTNFORGE_BUILD_DIR;
  int jobs = 0;
};

// Ninja and Make both keep going past a failed candidate, each its own way.
std::vector<std::string> keep_going_flags(const std::filesystem::path &build_dir) {
  std::ifstream cache(build_dir / "CMakeCache.txt");
  for (std::string line; std::getline(cache, line);) {
    if (line.rfind("CMAKE_GENERATOR:", 0) == 0) {
      if (line.find("Ninja") != std::string::npos) return {"--", "-k", "0"};
      if (line.find("Makefiles") != std::string::npos) return {"--", "-k"};
    }
  }
  return {};
}

// Takes the plan out of the build tree's cache however the build ends, so
// that the tree's own configures never read it again.
class PlanInBuildTree {
 public:
  PlanInBuildTree(std::string cmake, std::filesystem::path build_dir)
      : cmake_(std::move(cmake)), build_dir_(std::move(build_dir)) {}
  PlanInBuildTree(const PlanInBuildTree &) = delete;
  PlanInBuildTree &operator=(const PlanInBuildTree &) = delete;
  ~PlanInBuildTree() {
    try {
      if (run_process({cmake_, "-S", ATTNFORGE_SOURCE_DIR, "-B", build_dir_.string(), "-DATTNFORGE_TUNE_PLAN="}) != 0) {
        fmt::print(stderr, "attnforge-tune: warning: cmake could not take the plan out of {}\n", build_dir_.string());
      }
    } catch (const std::exception &error) {
      fmt::print(stderr, "attnforge-tune: warning: the plan stays in {}: {}\n", build_dir_.string(), error.what());
    }
  }

 private:
  std::string cmake_;
  std::filesystem::path build_dir_;
};

int build_candidates(const BuildOptions &options) {
  const std::filesystem::path dir = std::filesystem::absolute(options.dir);
  const TuningPlan plan = read_plan(dir);
  const std::filesystem::path build_dir = options.build_dir;
  if (!std::filesystem::exists(build_dir / "CMakeCache.txt")) {
    throw Error(ErrorCategory::NotFound,
                fmt::format("--build-dir {}: not a configured build tree (no CMakeCache.txt)", build_dir.string()));
  }
  const std::string cmake = ATTNFORGE_CMAKE_COMMAND;
  fmt::print("building  {} of {} on {} in {}\n", tools::counted(plan.candidates.size(), "candidate"), plan.kernel,
             plan.target, build_dir.string());

  {
    const PlanInBuildTree plan_in_build_tree(cmake, build_dir);
    if (run_process({cmake, "-S", ATTNFORGE_SOURCE_DIR, "-B", build_dir.string(),
                     "-DATTNFORGE_TUNE_PLAN=" + plan_file(dir).string()}) != 0) {
      throw Error(ErrorCategory::Runtime, fmt::format("cmake could not configure {} with the plan", build_dir.string()));
    }
    // An old plugin would pass for this build's if its relink failed.
    for (const Candidate &candidate : plan.candidates) std::filesystem::remove_all(candidate_plugin_dir(dir, candidate));
    std::vector<std::string> build = {cmake, "--build", build_dir.string(), "--target", "attnforge_tune_candidates"};
    if (options.jobs > 0) build.insert(build.end(), {"--parallel", std::to_string(options.jobs)});
    const std::vector<std::string> keep_going = keep_going_flags(build_dir);
    build.insert(build.end(), keep_going.begin(), keep_going.end());
    run_process(build);  // failures are counted below, candidate by candidate
  }

  std::vector<std::string> unbuilt;
  for (const Candidate &candidate : plan.candidates) {
    if (!is_built(dir, candidate)) unbuilt.push_back(candidate.name);
  }
  fmt::print("built     {} of {}\n", plan.candidates.size() - unbuilt.size(),
             tools::counted(plan.candidates.size(), "candidate"));
  if (!unbuilt.empty()) {
    fmt::print("not built {} (the build output above says why; measure leaves them out)\n", fmt::join(unbuilt, ", "));
  }
  if (!unbuilt.empty() && unbuilt.front() == plan.candidates.front().name) {
    throw Error(ErrorCategory::Runtime, fmt::format("the baseline {} did not build: nothing can be compared with it",
                                                    plan.candidates.front().name));
  }
  fmt::print("next      attnforge-tune measure {} [problem options]\n", options.dir);
  return unbuilt.empty() ? 0 : 1;
}

} // namespace

void add_build_command(CLI::App &app, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("build", "Build every candidate of a plan into its own plugin");
  auto options = std::make_shared<BuildOptions>();
  command->add_option("dir", options->dir, "The plan's directory")->required();
  command->add_option("--build-dir", options->build_dir, "The project's configured build tree")
      ->capture_default_str();
  command->add_option("--jobs", options->jobs, "Parallel build jobs (default: the build tool's)")
      ->check(CLI::Range(1, 1024));
  command->callback([&chosen, options] { chosen = [options] { return build_candidates(*options); }; });
}

} // namespace attnforge::tune
