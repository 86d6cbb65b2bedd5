// The one Halide runtime: plugins resolve it from libattnforge, so every
// symbol a kernel calls must be exported from there (and only there).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

#include "attnforge/attnforge.hpp"

namespace {

std::string file_defining(const char *symbol) {
  void *address = dlsym(RTLD_DEFAULT, symbol);
  if (address == nullptr) return "(not exported)";
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "(unknown file)";
  return info.dli_fname;
}

TEST(SharedHalideRuntime, KernelEntryPointsAreExportedByLibattnforge) {
  // What generated pipelines call: the thread pool, the allocator, error reporting.
  for (const char *symbol : {"halide_do_par_for", "halide_malloc", "halide_free", "halide_error",
                             "halide_set_error_handler", "halide_set_num_threads", "halide_error_bad_dimensions",
                             "halide_error_access_out_of_bounds", "halide_shutdown_thread_pool"}) {
    EXPECT_NE(file_defining(symbol).find("libattnforge.so"), std::string::npos) << symbol << ": " << file_defining(symbol);
  }
}

} // namespace
