// attnforge: list, inspect, run, verify and benchmark the kernels the
// registry finds. Exit codes: 0 success, 1 a verification failed, 2 an error
// (bad usage, or attnforge::Error from the library).
#include <exception>

#include <fmt/format.h>

#include "command.hpp"

namespace {

int report_usage_error(const CLI::App &app, const CLI::ParseError &error) {
  fmt::print(stderr, "attnforge: error (usage): {}\nRun '{} --help' for the options.\n",
             error.what(), app.get_name());
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  using namespace attnforge::cli;
  CLI::App app{"attnforge: attention kernels built ahead of time, loaded by name.", "attnforge"};
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--plugin-path", global.plugin_path,
                 "Plugin directories, searched in order (default: $ATTNFORGE_PLUGIN_PATH, then "
                 "the install directory)")
      ->delimiter(':');
  app.add_option("--hide-cpu-feature", global.hide_cpu_features,
                 "Treat this CPU feature as missing (avx512f, avx2, fma, ...), to try fallbacks")
      ->delimiter(',');

  CommandAction chosen;
  add_list_command(app, global, chosen);
  add_info_command(app, global, chosen);
  add_run_command(app, global, chosen);
  add_verify_command(app, global, chosen);
  add_bench_command(app, global, chosen);
  add_demo_command(app, global, chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    return report_usage_error(app, error);
  }

  try {
    return chosen();
  } catch (const attnforge::Error &error) {
    fmt::print(stderr, "attnforge: error ({}): {}\n", attnforge::to_string(error.category()),
               error.what());
  } catch (const std::exception &error) {
    fmt::print(stderr, "attnforge: error (internal): {}\n", error.what());
  }
  return 2;
}
