// The median of some timings: the middle one, or the mean of the middle two.
// The tools report medians, never means, so that one slow call on a shared
// host does not move a figure.
#pragma once

#include <algorithm>
#include <vector>

namespace attnforge::tools {

inline double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

} // namespace attnforge::tools
