// One fuzzed call of the `linear` kernel and the rules every call must keep:
// - a valid call runs, lands within the f32 budget of the double-precision
//   reference and writes nothing outside its output view;
// - a broken call throws attnforge::Error of the expected category, naming
//   the culprit, and writes nothing at all (out stays poisoned; when out
//   aliases q, q's memory is unchanged);
// - nothing throws anything but attnforge::Error, and nothing crashes.
// Shared by the libFuzzer target and the replay test that CI runs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "linear_call.hpp"

namespace attnforge::fuzz {

struct FuzzOutcome {
  std::string call;                        // LinearCall::describe()
  Breakage breakage = Breakage::None;
  bool accepted = false;                   // the kernel ran
  std::vector<std::string> broken_rules;   // empty: every rule kept
};

FuzzOutcome fuzz_linear_call(const Registry &registry, std::span<const uint8_t> bytes);

} // namespace attnforge::fuzz
