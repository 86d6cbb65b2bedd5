#include "search_space.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "attnforge/error.hpp"

namespace attnforge::tune {
namespace {

[[noreturn]] void reject(const std::string &source, const std::string &what) {
  throw Error(ErrorCategory::InvalidArgument, fmt::format("search space {}: {}", source, what));
}

} // namespace

size_t SearchSpace::grid_size() const {
  size_t size = 1;
  for (const Tunable &tunable : tunables) {
    if (size > std::numeric_limits<size_t>::max() / tunable.values.size()) {
      return std::numeric_limits<size_t>::max();
    }
    size *= tunable.values.size();
  }
  return size;
}

SearchSpace parse_search_space(const Json &json, const std::string &source) {
  if (!json.is_object()) reject(source, "expected an object with \"kernel\" and \"tunables\"");
  if (!json.contains("kernel") || !json["kernel"].is_string()) {
    reject(source, "expected \"kernel\": the kernel's name");
  }
  if (!json.contains("tunables") || !json["tunables"].is_object() || json["tunables"].empty()) {
    reject(source, "expected \"tunables\": an object of at least one tunable");
  }
  SearchSpace space{json["kernel"].get<std::string>(), {}};
  for (const auto &[name, values] : json["tunables"].items()) {
    if (!values.is_array() || values.empty()) {
      reject(source, fmt::format("tunable '{}': expected a non-empty array of values, got {}", name, values.dump()));
    }
    Tunable tunable{name, {}};
    for (const Json &value : values) {
      if (!value.is_primitive() || value.is_null()) {
        reject(source, fmt::format("tunable '{}': expected numbers, strings or booleans, got {}", name, value.dump()));
      }
      if (std::find(tunable.values.begin(), tunable.values.end(), value) != tunable.values.end()) {
        reject(source, fmt::format("tunable '{}': {} is listed twice", name, value.dump()));
      }
      tunable.values.push_back(value);
    }
    space.tunables.push_back(std::move(tunable));
  }
  return space;
}

SearchSpace read_search_space(const std::filesystem::path &path) {
  return parse_search_space(read_json_file(path, "search space"), path.string());
}

void check_space_fits(const SearchSpace &space, const std::string &kernel, const Params &baseline,
                      const std::string &tuned_source) {
  if (space.kernel != kernel) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("the search space is kernel '{}''s, not '{}''s", space.kernel, kernel));
  }
  for (const Tunable &tunable : space.tunables) {
    if (!baseline.contains(tunable.name)) {
      std::vector<std::string> known;
      for (const auto &[name, value] : baseline.items()) known.push_back(name);
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("tunable '{}' is not among the params of {} ({})", tunable.name, tuned_source,
                              fmt::join(known, ", ")));
    }
  }
}

} // namespace attnforge::tune
