// Runs another program (cmake) with the tuner's own stdout and stderr, so its
// progress shows as it happens.
#pragma once

#include <string>
#include <vector>

namespace attnforge::tune {

// Prints the command, runs it and returns its exit status (128 + the signal
// when a signal ended it). Throws attnforge::Error (Runtime) when it cannot
// be started, or when Ctrl-C or Ctrl-\ ended it (the tuner ignores both
// while it waits, so that the caller's clean-up runs).
int run_process(const std::vector<std::string> &argv);

} // namespace attnforge::tune
