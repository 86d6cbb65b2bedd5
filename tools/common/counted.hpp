// "1 call", "3 calls": a count and its noun, for what the command-line tools
// print for people (the benchmark scripts' twin is tools/bench/common.py's
// counted).
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace attnforge::tools {

template <typename Count>
std::string counted(Count count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

} // namespace attnforge::tools
