// libFuzzer's entry for `full` calls (full_call.hpp): any broken rule aborts,
// so libFuzzer keeps the input. Built with the `fuzz` preset; docs/testing.md
// says how to run it.
#include "full_call.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const attnforge::Registry registry;  // plugins from $ATTNFORGE_PLUGIN_PATH
  attnforge::fuzz::FuzzedCall call = attnforge::fuzz::fuzzed_full_call(registry, {data, size});
  return attnforge::fuzz::fuzzer_verdict(attnforge::fuzz::run_fuzzed_call(registry, call));
}
