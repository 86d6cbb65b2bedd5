#include "plugin_loader.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include "attnforge/error.hpp"

namespace attnforge::detail {
namespace {

[[noreturn]] void fail(const std::string &cause) { throw Error(ErrorCategory::PluginLoad, cause); }

} // namespace

LoadedPlugin load_plugin(const std::string &path) {
  // RTLD_LOCAL: every plugin exports the same entry symbol, so none may
  // interpose another. RTLD_NODELETE: kernels leave state in the shared Halide
  // runtime keyed by addresses inside the plugin (GPU module caches, parallel
  // task closures), so unloading one would leave those pointing at freed code.
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char *why = dlerror();
    fail(fmt::format("cannot be loaded: {}", why ? why : "unknown dlopen error"));
  }
  dlerror(); // clear, so a NULL from dlsym below is told apart from an error
  void *entry_symbol = dlsym(handle, AF_PLUGIN_ENTRY_SYMBOL);
  if (entry_symbol == nullptr) {
    fail(fmt::format("not an attnforge plugin: it does not export '{}' (with C linkage)",
                     AF_PLUGIN_ENTRY_SYMBOL));
  }
  const auto entry = reinterpret_cast<af_plugin_entry_fn>(entry_symbol);
  const af_plugin *table = entry();
  if (table == nullptr) fail(fmt::format("'{}' returned no plugin table", AF_PLUGIN_ENTRY_SYMBOL));

  // Only abi_major may be read before it is checked: the rest of the layout
  // depends on it.
  if (table->abi_major != AF_ABI_MAJOR) {
    fail(fmt::format("plugin ABI {}.{} does not match this runtime's ABI {}.{}: the major versions must be "
                     "equal (rebuild the plugin against this attnforge)",
                     table->abi_major, table->abi_minor, AF_ABI_MAJOR, AF_ABI_MINOR));
  }
  if (table->name == nullptr || table->name[0] == '\0') fail("the plugin table has no name");
  if (table->variant_count < 0 || (table->variant_count > 0 && table->variants == nullptr)) {
    fail(fmt::format("the plugin table's variant list is malformed (count {}, list {})",
                     table->variant_count, table->variants ? "present" : "NULL"));
  }
  return {path, table};
}

} // namespace attnforge::detail
