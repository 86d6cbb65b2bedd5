// What every plugin's variant table and entry point look like, stated once.
//
// A plugin defines, in its own anonymous namespace, kTensors/kTensorCount and
// kParams/kParamCount (its specs), check (or a null af_check_fn named check)
// and the template run<pipeline>; a plugin built with a BUILD_PARAM
// (cmake/AttnforgeKernels.cmake) makes kParams a template over that param's
// value, since each build's table fixes the param to its own value. Then
//   const af_variant kVariants[] = {
//   #include "<kernel>_variants.inc"   // rows written by attnforge_write_variant_table
//   };
//   ATTNFORGE_PLUGIN_ENTRY("<kernel>", "<version>", kVariants)
#pragma once

#include <cstdint>

#include "attnforge/plugin_abi.h"

// One row of the generated table: an f32 CPU variant specialised for head size
// `head_dim` (0 = any) for both D and Dv, declaring the parameters `params`.
#define ATTNFORGE_VARIANT(id, kernel, function, head_dim, target, features, priority, params)            \
  af_variant{id,          kernel,      AF_DTYPE_F32, head_dim, head_dim, AF_DEVICE_CPU, target, (features), \
             (priority),  kTensors,    kTensorCount, params,   kParamCount, check,      run<function>},

#define ATTNFORGE_PLUGIN_ENTRY(name, version, variants)                                                  \
  extern "C" __attribute__((visibility("default"))) const af_plugin *attnforge_plugin_entry(void) {      \
    static const af_plugin plugin = {AF_ABI_MAJOR, AF_ABI_MINOR, name, version, variants,                \
                                     static_cast<int32_t>(sizeof(variants) / sizeof(variants[0]))};      \
    return &plugin;                                                                                      \
  }
