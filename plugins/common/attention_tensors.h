// The tensors every attention family takes, described once for the plugins'
// spec tables: q, k, v, out and the optional per-batch kv_len.
#pragma once

#include "attnforge/plugin_abi.h"

namespace attnforge::plugins {

inline constexpr af_tensor_spec kQueriesSpec = {"q", AF_DTYPE_F32, 0, "B,Hq,Nq,D", nullptr, "queries"};
inline constexpr af_tensor_spec kKeysSpec = {"k", AF_DTYPE_F32, 0, "B,Hkv,Nk,D", nullptr,
                                             "keys; Hq must be a multiple of Hkv (GQA, MQA)"};
inline constexpr af_tensor_spec kValuesSpec = {"v", AF_DTYPE_F32, 0, "B,Hkv,Nk,Dv", nullptr, "values"};
inline constexpr af_tensor_spec kOutSpec = {"out", AF_DTYPE_F32, 0, "B,Hq,Nq,Dv", nullptr, "output, written in full"};
inline constexpr af_tensor_spec kKvLenSpec = {"kv_len", AF_DTYPE_I32, 1, "B", "Nk",
                                              "keys each batch entry really has (padding after); default Nk"};

} // namespace attnforge::plugins
