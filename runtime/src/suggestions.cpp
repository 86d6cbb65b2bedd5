#include "suggestions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace attnforge::detail {
namespace {

char lowered(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Beyond this many edits a suggestion is noise: a third of the name, at least 2.
std::size_t max_useful_distance(std::string_view wanted) { return std::max<std::size_t>(2, wanted.size() / 3); }

std::string quoted_list(const std::vector<std::string> &names) {
  std::vector<std::string> quoted;
  for (const auto &name : names) quoted.push_back(fmt::format("'{}'", name));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

} // namespace

std::size_t edit_distance(std::string_view from, std::string_view to) {
  // One row of the Levenshtein table at a time.
  std::vector<std::size_t> row(to.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= from.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= to.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (lowered(from[i - 1]) == lowered(to[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[to.size()];
}

std::vector<std::string> closest_names(std::string_view wanted, const std::vector<std::string> &known,
                                       std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto &name : known) {
    const std::size_t distance = edit_distance(wanted, name);
    // A wanted name that is the start of a known one ("full:f32" for an id) is close too.
    const bool is_prefix = !wanted.empty() && name.size() > wanted.size() &&
                           std::equal(wanted.begin(), wanted.end(), name.begin(),
                                      [](char a, char b) { return lowered(a) == lowered(b); });
    if (distance <= max_useful_distance(wanted) || is_prefix) scored.emplace_back(distance, name);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (auto &[distance, name] : scored) {
    if (names.size() == limit) break;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

std::string suggestion_suffix(std::string_view wanted, const std::vector<std::string> &known) {
  if (known.empty()) return "";
  if (auto close = closest_names(wanted, known); !close.empty()) {
    return fmt::format("; did you mean {}?", quoted_list(close));
  }
  constexpr std::size_t kMaxListed = 12;
  std::vector<std::string> listed(known.begin(), known.begin() + std::min(known.size(), kMaxListed));
  return fmt::format("; known: {}{}", quoted_list(listed), known.size() > kMaxListed ? ", ..." : "");
}

} // namespace attnforge::detail
