// What attnforge-tune may try for a kernel on a target: for each tunable (a
// generator param of its schedule), the values worth measuring, within what
// the target's registers and caches make sensible. One file per kernel and
// target, beside the tuned values: schedules/search/<target>/<kernel>.json:
//   {"kernel": "linear", "tunables": {"keys_per_tile": [128, 256, 512], ...}}
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "json_file.hpp"

namespace attnforge::tune {

// name -> value, as a tuned file's "params" object holds them.
using Params = Json;

struct Tunable {
  std::string name;
  std::vector<Json> values;  // numbers, strings or booleans; no two alike
};

struct SearchSpace {
  std::string kernel;
  std::vector<Tunable> tunables;

  // How many points the whole grid has (saturating at SIZE_MAX).
  size_t grid_size() const;
};

// Throws attnforge::Error (InvalidArgument) naming `source` and the culprit
// when the file breaks the format above.
SearchSpace parse_search_space(const Json &json, const std::string &source);
SearchSpace read_search_space(const std::filesystem::path &path);

// Throws InvalidArgument when the space is not `kernel`'s, or names a
// tunable that `baseline` (the tuned file's values) lacks.
void check_space_fits(const SearchSpace &space, const std::string &kernel, const Params &baseline,
                      const std::string &tuned_source);

} // namespace attnforge::tune
