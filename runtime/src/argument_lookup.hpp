// Finding a call's tensor by the name a variant's spec gives it: q, k, v and
// out are members of Arguments, the family's extra tensors live in a map.
#pragma once

#include <string_view>

#include "attnforge/registry.hpp"

namespace attnforge::detail {

inline bool is_core_tensor_name(std::string_view name) {
  return name == "q" || name == "k" || name == "v" || name == "out";
}

// nullptr when the call has no tensor of that name (an absent optional one).
inline const TensorView *find_tensor(const Arguments &arguments, std::string_view name) {
  if (name == "q") return &arguments.q;
  if (name == "k") return &arguments.k;
  if (name == "v") return &arguments.v;
  if (name == "out") return &arguments.out;
  const auto found = arguments.tensors.find(std::string(name));
  return found == arguments.tensors.end() ? nullptr : &found->second;
}

} // namespace attnforge::detail
