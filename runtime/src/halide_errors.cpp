// Capture Halide's error text instead of letting the runtime print it: a
// library must report through its errors, not write to the caller's stderr.
#include "attnforge/halide_errors.h"

#include <HalideRuntime.h>

#include <cstring>

namespace {

// A fixed buffer: the handler runs in C frames and must neither throw nor
// allocate while the pipeline is failing (the failure may be out of memory).
constexpr std::size_t kMessageCapacity = ATTNFORGE_HALIDE_ERROR_CAPACITY;
thread_local char last_error[kMessageCapacity] = "";

// Copies `message` into `destination` without its trailing newline, truncated
// to the capacity.
void keep_message(char *destination, const char *message) {
  std::size_t length = std::strlen(message);
  while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == ' ')) --length;
  if (length >= kMessageCapacity) length = kMessageCapacity - 1;
  std::memcpy(destination, message, length);
  destination[length] = '\0';
}

// Every pipeline attnforge builds passes its caller's sink as user_context,
// to this handler on whichever thread fails. Several workers may fail at
// once: the first to claim the sink writes it.
extern "C" void capture_halide_error(void *user_context, const char *message) {
  if (message == nullptr) message = "(no message)";
  keep_message(last_error, message);
  auto *sink = static_cast<attnforge_halide_error_sink *>(user_context);
  if (sink != nullptr && sink->tag == ATTNFORGE_HALIDE_ERROR_SINK_TAG &&
      __atomic_exchange_n(&sink->claimed, 1, __ATOMIC_ACQ_REL) == 0) {
    keep_message(sink->message, message);
  }
}

// Installed while libattnforge loads, so before any plugin can run a kernel.
const bool handler_installed = (halide_set_error_handler(capture_halide_error), true);

} // namespace

extern "C" const char *attnforge_last_halide_error(void) { return last_error; }

extern "C" void attnforge_clear_halide_error(void) { last_error[0] = '\0'; }
