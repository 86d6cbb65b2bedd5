#include "cuda_probe.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace attnforge::detail {
namespace {

// The two driver entry points we need, declared here so no CUDA header is needed.
using CuInit = int (*)(unsigned int flags);
using CuDeviceGetCount = int (*)(int *count);

std::string probe() {
  // Deliberately never dlclose'd: the Halide CUDA runtime loads the same driver.
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) {
    const char *why = dlerror();
    return fmt::format("no CUDA device (the driver libcuda.so.1 cannot be loaded: {})",
                       why ? why : "unknown reason");
  }
  auto cu_init = reinterpret_cast<CuInit>(dlsym(driver, "cuInit"));
  auto cu_device_get_count = reinterpret_cast<CuDeviceGetCount>(dlsym(driver, "cuDeviceGetCount"));
  if (cu_init == nullptr || cu_device_get_count == nullptr) {
    return "no CUDA device (libcuda.so.1 lacks cuInit or cuDeviceGetCount)";
  }
  if (int status = cu_init(0); status != 0) {
    return fmt::format("no CUDA device (cuInit failed with CUDA error {})", status);
  }
  int count = 0;
  if (int status = cu_device_get_count(&count); status != 0) {
    return fmt::format("no CUDA device (cuDeviceGetCount failed with CUDA error {})", status);
  }
  if (count == 0) return "no CUDA device (the driver reports 0 devices)";
  return "";
}

} // namespace

const std::string &cuda_unavailable_reason() {
  static const std::string reason = probe();
  return reason;
}

} // namespace attnforge::detail
