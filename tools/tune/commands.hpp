// attnforge-tune's commands, one file each. Each adds its subcommand and,
// when the user picks it, sets `chosen` to the action main() runs. Actions
// return the exit code (0 done, 1 done but not all went well); errors are
// thrown (attnforge::Error) and main() turns them into exit 2.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace attnforge::tune {

using CommandAction = std::function<int()>;

void add_plan_command(CLI::App &app, CommandAction &chosen);
void add_build_command(CLI::App &app, CommandAction &chosen);
void add_measure_command(CLI::App &app, CommandAction &chosen);
void add_apply_command(CLI::App &app, CommandAction &chosen);

} // namespace attnforge::tune
