// Column-aligned plain-text tables for terminal output.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace attnforge::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Pads every column but the last to its widest cell, two spaces apart.
  void print(std::FILE *stream = stdout) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

} // namespace attnforge::cli
