#include "symbolic_shape.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>

namespace attnforge::detail {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

} // namespace

std::vector<std::string> parse_symbolic_shape(std::string_view shape) {
  std::vector<std::string> symbols;
  if (trimmed(shape).empty()) return symbols;
  while (true) {
    const auto comma = shape.find(',');
    symbols.emplace_back(trimmed(shape.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    shape.remove_prefix(comma + 1);
  }
  return symbols;
}

std::optional<int64_t> literal_extent(std::string_view symbol) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(symbol.data(), symbol.data() + symbol.size(), value);
  if (symbol.empty() || error != std::errc() || end != symbol.data() + symbol.size()) return std::nullopt;
  return value;
}

std::string symbolic_shape_string(const std::vector<std::string> &symbols) {
  return fmt::format("[{}]", fmt::join(symbols, ", "));
}

} // namespace attnforge::detail
