// attnforge list: every variant the registry found, whether this machine can
// run it (and why not), then the plugin files it could not use.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "text_table.hpp"

namespace attnforge::cli {
namespace {

std::string status_of(const VariantInfo &variant) {
  return variant.usable ? "usable" : "unusable: " + variant.unusable_reason;
}

int list_variants(const GlobalOptions &global) {
  const auto registry = open_registry(global);
  fmt::print("search path: {}\n\n", fmt::join(registry->search_path(), ":"));
  if (registry->variants().empty()) {
    fmt::print("no variants found\n");
  } else {
    TextTable table({"VARIANT", "KERNEL", "TARGET", "DEVICE", "STATUS"});
    for (const VariantInfo &variant : registry->variants()) {
      table.add_row({variant.id, variant.kernel, variant.target, to_string(variant.device),
                     status_of(variant)});
    }
    table.print();
  }
  if (!registry->problems().empty()) {
    fmt::print("\nplugin problems:\n");
    for (const PluginProblem &problem : registry->problems()) {
      fmt::print("  {}: {}\n", problem.path, problem.reason);
    }
  }
  return 0;
}

} // namespace

void add_list_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("list", "List every variant and whether this machine can run it");
  command->callback([&global, &chosen] { chosen = [&global] { return list_variants(global); }; });
}

} // namespace attnforge::cli
