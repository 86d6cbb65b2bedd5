// The CLI's commands. Each command file adds its subcommand to the app and,
// when the user picks it, sets `chosen` to the action main() runs after
// parsing. Actions return the exit code: 0 success, 1 a check failed;
// errors are thrown (attnforge::Error) and main() turns them into exit 2.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attnforge/attnforge.hpp"

namespace attnforge::cli {

using CommandAction = std::function<int()>;

// Options before the command, shared by all of them.
struct GlobalOptions {
  std::vector<std::string> plugin_path;        // empty: the registry's default search path
  std::vector<std::string> hide_cpu_features;  // pretend this CPU lacks them
};

std::unique_ptr<Registry> open_registry(const GlobalOptions &global);

void add_list_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);
void add_info_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);
void add_run_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);
void add_verify_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);
void add_bench_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);
void add_demo_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen);

} // namespace attnforge::cli
