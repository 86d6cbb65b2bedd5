// Symbolic shapes from tensor specs: "B,Hq,Nq,D" names each dimension. A
// dimension written as a number ("B,2") must have exactly that extent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnforge::detail {

// The dimension names in order; "" gives none (a scalar). Surrounding blanks
// are dropped. Empty names ("B,,D") are returned as "" for the caller to reject.
std::vector<std::string> parse_symbolic_shape(std::string_view shape);

// The fixed extent a dimension name states, if it is a number.
std::optional<int64_t> literal_extent(std::string_view symbol);

// "[B, Hkv, Nk, D]" for messages.
std::string symbolic_shape_string(const std::vector<std::string> &symbols);

} // namespace attnforge::detail
