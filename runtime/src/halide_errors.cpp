// Capture Halide's error text instead of letting the runtime print it: a
// library must report through its errors, not write to the caller's stderr.
#include "attnforge/halide_errors.h"

#include <HalideRuntime.h>

#include <cstring>

namespace {

// A fixed buffer: the handler runs in C frames and must neither throw nor
// allocate while the pipeline is failing (the failure may be out of memory).
constexpr std::size_t kMessageCapacity = 1024;
thread_local char last_error[kMessageCapacity] = "";

extern "C" void capture_halide_error(void * /*user_context*/, const char *message) {
  if (message == nullptr) message = "(no message)";
  std::size_t length = std::strlen(message);
  while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == ' ')) --length;
  if (length >= kMessageCapacity) length = kMessageCapacity - 1;
  std::memcpy(last_error, message, length);
  last_error[length] = '\0';
}

// Installed while libattnforge loads, so before any plugin can run a kernel.
const bool handler_installed = (halide_set_error_handler(capture_halide_error), true);

} // namespace

extern "C" const char *attnforge_last_halide_error(void) { return last_error; }

extern "C" void attnforge_clear_halide_error(void) { last_error[0] = '\0'; }
