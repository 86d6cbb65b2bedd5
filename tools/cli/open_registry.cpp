#include "command.hpp"

namespace attnforge::cli {

std::unique_ptr<Registry> open_registry(const GlobalOptions &global) {
  RegistryOptions options;
  options.search_path = global.plugin_path;
  options.hide_cpu_features = global.hide_cpu_features;
  return std::make_unique<Registry>(std::move(options));
}

} // namespace attnforge::cli
