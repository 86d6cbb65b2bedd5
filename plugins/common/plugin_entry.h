// The one C entry point every plugin exports: its ABI version, name and
// version, over the variant table `variants` (a C array in the plugin).
#pragma once

#include <cstdint>

#include "attnforge/plugin_abi.h"

#define ATTNFORGE_PLUGIN_ENTRY(name, version, variants)                                                  \
  extern "C" __attribute__((visibility("default"))) const af_plugin *attnforge_plugin_entry(void) {      \
    static const af_plugin plugin = {AF_ABI_MAJOR, AF_ABI_MINOR, name, version, variants,                \
                                     static_cast<int32_t>(sizeof(variants) / sizeof(variants[0]))};      \
    return &plugin;                                                                                      \
  }
