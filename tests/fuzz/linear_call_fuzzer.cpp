// libFuzzer's entry: each input is one `linear` call (linear_call.hpp); any
// broken rule aborts, so libFuzzer keeps the input that broke it.
// Built with ATTNFORGE_FUZZ=ON (the `fuzz` preset, clang); docs/testing.md
// says how to run it.
#include <cstdio>
#include <cstdlib>

#include "linear_call_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const attnforge::Registry registry;  // plugins from $ATTNFORGE_PLUGIN_PATH
  const attnforge::fuzz::FuzzOutcome outcome = attnforge::fuzz::fuzz_linear_call(registry, {data, size});
  if (outcome.broken_rules.empty()) return 0;
  std::fprintf(stderr, "%s\n", outcome.call.c_str());
  for (const std::string &rule : outcome.broken_rules) std::fprintf(stderr, "  broken: %s\n", rule.c_str());
  std::abort();
}
