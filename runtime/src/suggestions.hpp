// "Did you mean ...?" for unknown kernel names, variant ids and parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attnforge::detail {

std::size_t edit_distance(std::string_view from, std::string_view to);

// Up to `limit` known names close to `wanted` (by edit distance, ignoring
// case), closest first.
std::vector<std::string> closest_names(std::string_view wanted, const std::vector<std::string> &known,
                                       std::size_t limit = 3);

// A sentence to append to a not-found message: "; did you mean 'full'?" when
// some names are close, else "; known: a, b, c" (or "" when nothing is known).
std::string suggestion_suffix(std::string_view wanted, const std::vector<std::string> &known);

} // namespace attnforge::detail
