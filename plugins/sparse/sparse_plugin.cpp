// The `sparse` plugin: the variant table of sparse-masked attention and the
// bridge from an af_call to the generated pipelines, whose signature is
//   f(user_context, q, k, v, kv_len, block_count, block_index, block_full, scale, causal,
//     window_left, window_right, stride, stride_one_sided, num_global, strided_per_row, out).
// The runtime has already checked every shape, dtype, range and alias rule in
// the specs below; check() adds the layout's own rules (attnforge/block_layout.hpp)
// and run() builds the layout from the pattern when the caller gave none
// (leaving the strided pairs to the kernel's row path where
// attnforge::strided_pairs_of_built_layout says so).
// Each variant is built for one layout block size (plugins/sparse/CMakeLists.txt)
// and declares it as the only value of its block_size param.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

#include "attnforge/block_layout.hpp"
#include "attnforge/error.hpp"
#include "attnforge/plugin_abi.h"
#include "attention_tensors.h"
#include "halide_call.h"
#include "plugin_entry.h"
#include "sparse_variant_headers.inc"

namespace {

using attnforge::plugins::HalideView;

constexpr double kIntMax = 2147483647.0;

enum Tensor { kQ, kK, kV, kOut, kKvLen, kBlockCount, kBlockIndex, kBlockFull, kTensorCount };
enum Param {
  kScale, kCausal, kWindowLeft, kWindowRight, kStride, kStrideOneSided, kNumGlobal, kBlockSizeParam, kParamCount
};

const af_tensor_spec kTensors[kTensorCount] = {
    attnforge::plugins::kQueriesSpec, attnforge::plugins::kKeysSpec, attnforge::plugins::kValuesSpec,
    attnforge::plugins::kOutSpec,     attnforge::plugins::kKvLenSpec,
    {"block_count", AF_DTYPE_I32, 1, "Nqb", nullptr,
     "block layout: key blocks query block qb visits (Nqb = ceil(Nq / block_size)); default: built from the "
     "pattern"},
    {"block_index", AF_DTYPE_I32, 1, "Nqb,Mb", nullptr,
     "block layout: row qb lists, ascending, the block_count[qb] key blocks it visits; later slots unused"},
    {"block_full", AF_DTYPE_U8, 1, "Nqb,Mb", nullptr,
     "block layout: nonzero where every pair of that listed block is allowed (the pattern mask is skipped); "
     "default none"},
};

// The parameters of the variants built with layout blocks of `block_size`
// rows and keys: block_size's range is that one value, so the runtime fills it
// in and rejects any other before check() and run() read it.
template <int block_size>
const af_param_spec kParams[kParamCount] = {
    {"scale", AF_PARAM_FLOAT, NAN, 1e-30, 1e30, "multiplies q·k before the softmax; default 1/sqrt(D)"},
    {"causal", AF_PARAM_BOOL, 0, 0, 1,
     "query i sees keys j <= i + Nk - Nq (aligned bottom-right), intersected with the pattern"},
    {"window_left", AF_PARAM_INT, -1, -1, kIntMax,
     "local part: query i sees keys j with i + Nk - Nq - j <= window_left; -1 with window_right -1: no local part"},
    {"window_right", AF_PARAM_INT, -1, -1, kIntMax,
     "local part: keys up to window_right after query i's position; -1 counts as 0 when window_left is set"},
    {"stride", AF_PARAM_INT, 0, 0, kIntMax, "strided part: keys with (i + Nk - Nq - j) mod stride = 0; 0: off"},
    {"stride_one_sided", AF_PARAM_BOOL, 0, 0, 1, "strided part only for keys at or before query i's position"},
    {"num_global", AF_PARAM_INT, 0, 0, kIntMax,
     "global part: the first num_global keys are seen by every query, and the queries at positions < num_global "
     "see every key"},
    {"block_size", AF_PARAM_INT, block_size, block_size, block_size,
     "rows per query block and keys per key block of the layout (fixed when the variant is built)"},
};

attnforge::TensorView view_of(const af_tensor &tensor) {
  attnforge::TensorView view;
  view.data = tensor.data;
  view.dtype = tensor.dtype == AF_DTYPE_I32 ? attnforge::DType::I32
               : tensor.dtype == AF_DTYPE_U8 ? attnforge::DType::U8
                                             : attnforge::DType::F32;
  view.device = tensor.device == AF_DEVICE_CPU ? attnforge::Device::CPU : attnforge::Device::CUDA;
  view.rank = tensor.rank;
  for (int dim = 0; dim < tensor.rank; ++dim) {
    view.shape[dim] = tensor.shape[dim];
    view.strides[dim] = tensor.strides[dim];
  }
  return view;
}

attnforge::SparsePattern pattern_of(const af_call *call) {
  attnforge::SparsePattern pattern;
  pattern.window_left = static_cast<int64_t>(call->params[kWindowLeft]);
  pattern.window_right = static_cast<int64_t>(call->params[kWindowRight]);
  pattern.stride = static_cast<int64_t>(call->params[kStride]);
  pattern.stride_one_sided = call->params[kStrideOneSided] != 0;
  pattern.num_global = static_cast<int64_t>(call->params[kNumGlobal]);
  pattern.causal = call->params[kCausal] != 0;
  return pattern;
}

int64_t block_size_of(const af_call *call) { return static_cast<int64_t>(call->params[kBlockSizeParam]); }

bool has_layout(const af_call *call) {
  const af_tensor *tensors = call->tensors;
  return tensors[kBlockCount].data != nullptr || tensors[kBlockIndex].data != nullptr ||
         tensors[kBlockFull].data != nullptr;
}

int32_t check(const af_call *call, char *message, size_t capacity) {
  const af_tensor *tensors = call->tensors;
  if (int32_t status = attnforge::plugins::check_halide_index_range(call, kTensors, message, capacity)) {
    return status;
  }
  if (!has_layout(call) && !pattern_of(call).any_part()) {
    attnforge::plugins::write_message(
        message, capacity,
        "no pattern part is enabled (window_left, window_right, stride and num_global are all off) and no block "
        "layout was given, which would be full attention at full cost: enable a part, pass "
        "block_count/block_index, or call the 'full' kernel");
    return AF_ERROR_INVALID_ARGUMENT;
  }
  if (!has_layout(call)) return AF_OK;
  try {
    attnforge::validate_block_layout(view_of(tensors[kBlockCount]), view_of(tensors[kBlockIndex]),
                                     view_of(tensors[kBlockFull]), tensors[kQ].shape[2], tensors[kK].shape[2],
                                     block_size_of(call));
  } catch (const attnforge::Error &error) {
    // The helper's messages start with "sparse: ", which the runtime adds too.
    const char *text = error.what();
    if (std::strncmp(text, "sparse: ", 8) == 0) text += 8;
    attnforge::plugins::write_message(message, capacity, "%s", text);
    return AF_ERROR_INVALID_ARGUMENT;
  }
  return AF_OK;
}

// The first argument is Halide's user_context: the call's HalideErrors.
using Pipeline = int (*)(const void *user_context, halide_buffer_t *q, halide_buffer_t *k, halide_buffer_t *v,
                         halide_buffer_t *kv_len, halide_buffer_t *block_count, halide_buffer_t *block_index,
                         halide_buffer_t *block_full, float scale, bool causal, int32_t window_left, int32_t window_right, int32_t stride,
                         bool stride_one_sided, int32_t num_global, bool strided_per_row, halide_buffer_t *out);

// From attnforge::kStridedPerRowFrom on (up to Nk), a layout the plugin builds
// leaves the strided pairs to the kernel's row path: each row then visits
// its N/stride strided keys, while in blocks the strided part costs
// every key block once the stride is at most the block size. Measured (B=1
// H=8 N=4096 D=64, local(64) plus stride s, 64-blocks; row path against
// blocks): s = 8: 225-233 against 245-345 ms; 16: 110-135 against 247;
// 32: 70 against 246-271; 64: 47 against 294-298. At H=1 N=65536, local(16)
// plus stride s: s = 8: 10.3 against 10.1 s; 16: 5.2 against 9.8 s.

template <Pipeline pipeline>
int32_t run(const af_call *call, char *message, size_t capacity) {
  const af_tensor *tensors = call->tensors;
  const int64_t batch = tensors[kQ].shape[0];
  const int64_t queries = tensors[kQ].shape[2];
  const int64_t keys = tensors[kK].shape[2];
  const int64_t features = tensors[kQ].shape[3];
  const attnforge::SparsePattern pattern = pattern_of(call);

  std::vector<int32_t> all_keys;
  if (tensors[kKvLen].data == nullptr) all_keys.assign(batch, static_cast<int32_t>(keys));
  HalideView kv_len = tensors[kKvLen].data != nullptr ? HalideView(tensors[kKvLen])
                                                      : HalideView(all_keys.data(), batch);

  // Without a layout, the pattern's own; check() has seen to it that a given
  // layout has both count and index.
  attnforge::BlockLayout built;
  af_tensor count = tensors[kBlockCount], index = tensors[kBlockIndex], full = tensors[kBlockFull];
  const attnforge::StridedPairs strided = attnforge::strided_pairs_of_built_layout(pattern, keys);
  const bool strided_per_row = count.data == nullptr && strided == attnforge::StridedPairs::PerRow;
  if (count.data == nullptr) {
    try {
      built = attnforge::build_block_layout(pattern, queries, keys, block_size_of(call), strided);
    } catch (const std::exception &error) {
      attnforge::plugins::write_message(message, capacity, "building the block layout failed: %s", error.what());
      return AF_ERROR_RUNTIME;
    }
    const int64_t rows = built.query_blocks(), slots = built.max_blocks;
    count = af_tensor{built.counts.data(), AF_DTYPE_I32, AF_DEVICE_CPU, 1, 0, {rows}, {1}};
    index = af_tensor{built.indices.data(), AF_DTYPE_I32, AF_DEVICE_CPU, 2, 0, {rows, slots}, {slots, 1}};
    full = af_tensor{built.full.data(), AF_DTYPE_U8, AF_DEVICE_CPU, 2, 0, {rows, slots}, {slots, 1}};
  }
  // No block_full: no block is known full, one zero byte seen through stride-0 dimensions.
  uint8_t none_full = 0;
  if (full.data == nullptr) {
    full = af_tensor{&none_full, AF_DTYPE_U8, AF_DEVICE_CPU, 2, 0, {index.shape[0], index.shape[1]}, {0, 0}};
  }
  HalideView q(tensors[kQ]), k(tensors[kK]), v(tensors[kV]), out(tensors[kOut]);
  HalideView block_count(count), block_index(index), block_full(full);

  const double scale = std::isnan(call->params[kScale]) ? 1.0 / std::sqrt(double(features)) : call->params[kScale];
  attnforge::plugins::HalideErrors errors;
  return attnforge::plugins::halide_status(
      pipeline(errors.context(), q.get(), k.get(), v.get(), kv_len.get(), block_count.get(), block_index.get(),
               block_full.get(), static_cast<float>(scale), pattern.causal, static_cast<int32_t>(pattern.window_left),
               static_cast<int32_t>(pattern.window_right), static_cast<int32_t>(pattern.stride),
               pattern.stride_one_sided, static_cast<int32_t>(pattern.num_global), strided_per_row, out.get()),
      errors, message, capacity);
}

const af_variant kVariants[] = {
#include "sparse_variants.inc"
};

} // namespace

ATTNFORGE_PLUGIN_ENTRY("sparse", "0.1.0", kVariants)
