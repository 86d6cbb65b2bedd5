// Where plugins are looked for, and which files there are plugin candidates.
#pragma once

#include <string>
#include <vector>

#include "attnforge/registry.hpp"

namespace attnforge::detail {

inline constexpr const char *kPluginPathVariable = "ATTNFORGE_PLUGIN_PATH";

// The first of: options.search_path; $ATTNFORGE_PLUGIN_PATH split at ':';
// <directory holding libattnforge>/attnforge/plugins. Each replaces the next
// rather than adding to it, so a tool can point at candidate plugins without
// the installed ones clashing with them.
std::vector<std::string> resolve_search_path(const RegistryOptions &options);

// The directory libattnforge was loaded from, "" if unknown.
std::string library_directory();

// The *.so files in `directory` (following links), sorted by name so the
// outcome of duplicates does not depend on the file system's order. A missing
// directory gives none; one that cannot be listed, or a file where a
// directory should be, is a problem.
std::vector<std::string> plugin_files_in(const std::string &directory, std::vector<PluginProblem> &problems);

} // namespace attnforge::detail
