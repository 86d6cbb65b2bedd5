// Opening one plugin file: dlopen, the entry point, the ABI version. The same
// shape as LLVM's PassPlugin::Load: every failure says which file and why.
#pragma once

#include <string>

#include "attnforge/plugin_abi.h"

namespace attnforge::detail {

struct LoadedPlugin {
  std::string path;
  const af_plugin *table = nullptr;
};

// Throws attnforge::Error(PluginLoad) whose message is the cause (the caller
// pairs it with the path). The library is never unloaded: see the .cpp.
LoadedPlugin load_plugin(const std::string &path);

} // namespace attnforge::detail
