#include "candidates.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

namespace attnforge::tune {
namespace {

Candidate make_candidate(const Params &baseline, const Params &changes) {
  Candidate candidate{"", baseline, Json::object()};
  for (const auto &[name, value] : changes.items()) {
    if (baseline[name] == value) continue;
    candidate.params[name] = value;
    candidate.changed[name] = value;
  }
  return candidate;
}

// c00, c01, ...: wide enough that the names sort in plan order.
void name_in_order(std::vector<Candidate> &candidates) {
  const size_t width = std::max<size_t>(2, fmt::format("{}", candidates.size() - 1).size());
  for (size_t index = 0; index < candidates.size(); ++index) {
    candidates[index].name = fmt::format("c{:0{}}", index, width);
  }
}

} // namespace

std::vector<Candidate> neighbour_candidates(const Params &baseline, const SearchSpace &space) {
  std::vector<Candidate> candidates{make_candidate(baseline, Json::object())};
  for (const Tunable &tunable : space.tunables) {
    for (const Json &value : tunable.values) {
      if (baseline[tunable.name] == value) continue;
      candidates.push_back(make_candidate(baseline, Json{{tunable.name, value}}));
    }
  }
  name_in_order(candidates);
  return candidates;
}

std::vector<Candidate> random_candidates(const Params &baseline, const SearchSpace &space, size_t count,
                                         uint64_t seed) {
  std::vector<Candidate> candidates{make_candidate(baseline, Json::object())};
  std::mt19937_64 engine(seed);
  // Give up on drawing once the draws stop finding new points (a grid not
  // much larger than `count`, or one whose every point is the baseline).
  const size_t attempts = 100 * std::max<size_t>(count, 1);
  for (size_t attempt = 0; attempt < attempts && candidates.size() < count; ++attempt) {
    Params point = Json::object();
    for (const Tunable &tunable : space.tunables) {
      point[tunable.name] = tunable.values[engine() % tunable.values.size()];
    }
    Candidate candidate = make_candidate(baseline, point);
    const bool seen = std::any_of(candidates.begin(), candidates.end(),
                                  [&](const Candidate &other) { return other.params == candidate.params; });
    if (!seen) candidates.push_back(std::move(candidate));
  }
  name_in_order(candidates);
  return candidates;
}

std::string describe_changes(const Candidate &candidate) {
  if (candidate.changed.empty()) return "(current values)";
  std::vector<std::string> parts;
  for (const auto &[name, value] : candidate.changed.items()) parts.push_back(fmt::format("{}={}", name, value.dump()));
  return fmt::format("{}", fmt::join(parts, " "));
}

} // namespace attnforge::tune
