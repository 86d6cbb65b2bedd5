#include "tuning_plan.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "tuned_file.hpp"

namespace attnforge::tune {

std::string head_dim_text(int head_dim) { return head_dim == 0 ? std::string("any") : std::to_string(head_dim); }

int parse_head_dim(const std::string &text, const std::string &what) {
  if (text == "any") return 0;
  try {
    size_t used = 0;
    const int head_dim = std::stoi(text, &used);
    if (used == text.size() && head_dim > 0) return head_dim;
  } catch (const std::exception &) {
  }
  throw Error(ErrorCategory::InvalidArgument,
              fmt::format("{}: expected \"any\" or a positive head size, got '{}'", what, text));
}

const Candidate &TuningPlan::candidate(const std::string &name) const {
  for (const Candidate &candidate : candidates) {
    if (candidate.name == name) return candidate;
  }
  throw Error(ErrorCategory::NotFound, fmt::format("the plan has no candidate '{}'", name));
}

Json to_json(const TuningPlan &plan) {
  Json candidates = Json::array();
  for (const Candidate &candidate : plan.candidates) {
    candidates.push_back({{"name", candidate.name}, {"changed", candidate.changed}, {"params", candidate.params}});
  }
  return {{"kernel", plan.kernel},       {"target", plan.target},
          {"head_dim", head_dim_text(plan.head_dim)}, {"build_value", plan.build_value},
          {"tuned_file", plan.tuned_file.string()},   {"strategy", plan.strategy},
          {"candidates", candidates}};
}

TuningPlan plan_from_json(const Json &json, const std::string &source) {
  try {
    TuningPlan plan;
    plan.kernel = json.at("kernel").get<std::string>();
    plan.target = json.at("target").get<std::string>();
    plan.head_dim = parse_head_dim(json.at("head_dim").get<std::string>(), "head_dim");
    plan.build_value = json.at("build_value").get<std::string>();
    plan.tuned_file = json.at("tuned_file").get<std::string>();
    plan.strategy = json.at("strategy").get<std::string>();
    for (const Json &candidate : json.at("candidates")) {
      const std::string name = candidate.at("name").get<std::string>();
      // A name is a folder of the plan's directory, which build empties.
      const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (!plain) {
        throw Error(ErrorCategory::InvalidArgument,
                    fmt::format("candidate name '{}': expected letters, digits and '_' only", name));
      }
      plan.candidates.push_back(Candidate{name, candidate.at("params"), candidate.at("changed")});
    }
    if (plan.candidates.empty()) throw Error(ErrorCategory::InvalidArgument, "no candidates");
    return plan;
  } catch (const Json::exception &error) {
    throw Error(ErrorCategory::InvalidArgument, fmt::format("plan {}: {}", source, error.what()));
  } catch (const Error &error) {
    throw Error(error.category(), fmt::format("plan {}: {}", source, error.what()));
  }
}

std::filesystem::path plan_file(const std::filesystem::path &dir) { return dir / "plan.json"; }

std::filesystem::path candidate_plugin_dir(const std::filesystem::path &dir, const Candidate &candidate) {
  return dir / candidate.name / "plugins";
}

bool is_built(const std::filesystem::path &dir, const Candidate &candidate) {
  const std::filesystem::path plugin_dir = candidate_plugin_dir(dir, candidate);
  if (!std::filesystem::is_directory(plugin_dir)) return false;
  for (const auto &entry : std::filesystem::directory_iterator(plugin_dir)) {
    if (entry.path().extension() == ".so") return true;
  }
  return false;
}

void write_plan(const std::filesystem::path &dir, const TuningPlan &plan, const Json &tuned) {
  if (plan.candidates.size() < 2) {
    throw Error(ErrorCategory::InvalidArgument,
                "the search space offers no value besides the current ones: nothing to compare them with");
  }
  if (std::filesystem::exists(plan_file(dir))) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("{} already holds a plan: build and measure it, or plan into another --dir",
                            dir.string()));
  }
  // Candidates' files first, the plan last: a directory with a plan.json is
  // always complete.
  for (const Candidate &candidate : plan.candidates) {
    Json candidate_tuned = tuned;
    for (const auto &[name, value] : tuned.items()) {
      if (name.rfind("head_dim_", 0) == 0) candidate_tuned.erase(name);
    }
    candidate_tuned["params"] = candidate.params;
    candidate_tuned["found"] = {{"candidate", candidate.name}, {"changed", candidate.changed}};
    std::filesystem::create_directories(dir / candidate.name);
    write_json_file(dir / candidate.name / (plan.kernel + ".json"), candidate_tuned);
  }
  write_json_file(plan_file(dir), to_json(plan));
}

TuningPlan read_plan(const std::filesystem::path &dir) {
  return plan_from_json(read_json_file(plan_file(dir), "plan"), plan_file(dir).string());
}

} // namespace attnforge::tune
