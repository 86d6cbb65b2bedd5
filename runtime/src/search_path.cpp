#include "search_path.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace attnforge::detail {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_path_list(std::string_view list) {
  std::vector<std::string> directories;
  while (!list.empty()) {
    const auto colon = list.find(':');
    if (auto entry = list.substr(0, colon); !entry.empty()) directories.emplace_back(entry);
    if (colon == std::string_view::npos) break;
    list.remove_prefix(colon + 1);
  }
  return directories;
}

} // namespace

std::string library_directory() {
  Dl_info info{};
  // Any function of this library locates its file, wherever it was installed.
  if (dladdr(reinterpret_cast<void *>(&library_directory), &info) == 0 || info.dli_fname == nullptr) {
    return "";
  }
  return fs::path(info.dli_fname).parent_path().string();
}

std::vector<std::string> resolve_search_path(const RegistryOptions &options) {
  if (!options.search_path.empty()) return options.search_path;
  if (const char *variable = std::getenv(kPluginPathVariable); variable != nullptr) {
    if (auto directories = split_path_list(variable); !directories.empty()) return directories;
  }
  const std::string directory = library_directory();
  if (directory.empty()) return {};
  return {(fs::path(directory) / "attnforge" / "plugins").string()};
}

std::vector<std::string> plugin_files_in(const std::string &directory, std::vector<PluginProblem> &problems) {
  std::error_code error;
  if (!fs::exists(directory, error)) return {};
  if (!fs::is_directory(directory, error)) {
    // Most likely a plugin file given where its directory was meant.
    problems.push_back({directory, "is on the plugin search path but is not a directory"});
    return {};
  }
  std::vector<std::string> files;
  fs::directory_iterator entries(directory, error);
  for (; !error && entries != fs::directory_iterator(); entries.increment(error)) {
    const fs::directory_entry &entry = *entries;
    std::error_code ignored;
    if (entry.path().extension() == ".so" && entry.is_regular_file(ignored)) {
      files.push_back(entry.path().string());
    }
  }
  if (error) {
    problems.push_back({directory, fmt::format("cannot list this plugin directory: {}", error.message())});
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace attnforge::detail
