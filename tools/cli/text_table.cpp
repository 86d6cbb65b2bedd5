#include "text_table.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace attnforge::cli {

void TextTable::print(std::FILE *stream) const {
  std::vector<size_t> widths;
  for (const auto &row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto &row : rows_) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], widths[c]) : row[c];
    }
    fmt::print(stream, "{}\n", line);
  }
}

} // namespace attnforge::cli
