#include <fmt/format.h>

#include "kernel_call.hpp"

namespace attnforge::cli {

void print_call_summary(const KernelCall &call, const Problem &problem) {
  fmt::print("kernel    {}\n", call.variant->kernel);
  fmt::print("variant   {}\n", call.variant->id);
  fmt::print("problem   {}\n", problem.describe());
}

} // namespace attnforge::cli
