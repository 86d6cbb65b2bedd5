#include "tuned_file.hpp"

#include <fmt/format.h>

#include "attnforge/error.hpp"

namespace attnforge::tune {

std::string head_dim_section(int head_dim) { return fmt::format("head_dim_{}", head_dim); }

Params tuned_params(const Json &tuned, int head_dim, const std::string &source) {
  if (!tuned.is_object() || !tuned.contains("params") || !tuned["params"].is_object()) {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("tuned file {}: expected a \"params\" object", source));
  }
  Params params = tuned["params"];
  const std::string section = head_dim_section(head_dim);
  if (tuned.contains(section)) {
    if (!tuned[section].is_object()) {
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("tuned file {}: \"{}\" is not an object", source, section));
    }
    for (const auto &[name, value] : tuned[section].items()) params[name] = value;
  }
  return params;
}

Json with_winner(Json tuned, int head_dim, const Params &winner, const Json &found) {
  const std::string section = head_dim_section(head_dim);
  Json overrides = tuned.contains(section) ? tuned[section] : Json::object();
  for (const auto &[name, value] : winner.items()) {
    if (tuned["params"].contains(name) && tuned["params"][name] == value) {
      overrides.erase(name);
    } else {
      overrides[name] = value;
    }
  }
  if (overrides.empty()) {
    tuned.erase(section);
  } else {
    tuned[section] = overrides;
  }
  if (!tuned.contains("found") || !tuned["found"].is_object()) tuned["found"] = Json::object();
  tuned["found"][section] = found;
  return tuned;
}

} // namespace attnforge::tune
