// attnforge-tune: searches a kernel's schedule tunables on this machine and
// writes the winner into schedules/tuned (docs/tuning.md). Four steps, each
// resumable: plan, build, measure, apply. Exit codes: 0 done, 1 done but not
// all went well, 2 an error.
#include <exception>

#include <fmt/format.h>

#include "attnforge/error.hpp"
#include "commands.hpp"

int main(int argc, char **argv) {
  using namespace attnforge::tune;
  CLI::App app{"attnforge-tune: search a kernel's schedule tunables and keep the fastest.", "attnforge-tune"};
  app.require_subcommand(1);
  CommandAction chosen;
  add_plan_command(app, chosen);
  add_build_command(app, chosen);
  add_measure_command(app, chosen);
  add_apply_command(app, chosen);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    fmt::print(stderr, "attnforge-tune: error (usage): {}\nRun 'attnforge-tune --help' for the options.\n",
               error.what());
    return 2;
  }
  try {
    return chosen();
  } catch (const attnforge::Error &error) {
    fmt::print(stderr, "attnforge-tune: error ({}): {}\n", attnforge::to_string(error.category()), error.what());
  } catch (const std::exception &error) {
    fmt::print(stderr, "attnforge-tune: error (internal): {}\n", error.what());
  }
  return 2;
}
