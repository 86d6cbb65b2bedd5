// The `full` plugin: the variant table of full softmax attention and the one
// bridge from an af_call to the generated pipelines, whose signature is
//   f(q, k, v, kv_len, scale, causal, skip_hidden_tiles, out).
// The runtime has already checked every shape, dtype, range and alias rule in
// the specs below before check() and run() are called.
#include <cmath>
#include <vector>

#include "attnforge/plugin_abi.h"
#include "full_variant_headers.inc"
#include "attention_tensors.h"
#include "halide_call.h"
#include "plugin_entry.h"

namespace {

using attnforge::plugins::HalideView;

enum Tensor { kQ, kK, kV, kOut, kKvLen, kTensorCount };
enum Param { kScale, kCausal, kParamCount };

const af_tensor_spec kTensors[kTensorCount] = {
    attnforge::plugins::kQueriesSpec, attnforge::plugins::kKeysSpec, attnforge::plugins::kValuesSpec,
    attnforge::plugins::kOutSpec,     attnforge::plugins::kKvLenSpec,
};

const af_param_spec kParams[kParamCount] = {
    {"scale", AF_PARAM_FLOAT, NAN, 1e-30, 1e30, "multiplies q·k before the softmax; default 1/sqrt(D)"},
    {"causal", AF_PARAM_BOOL, 0, 0, 1,
     "query i sees keys j <= i + Nk - Nq (aligned bottom-right, as FlashAttention >= 2.1)"},
};

// The first argument is Halide's user_context: the call's HalideErrors.
using Pipeline = int (*)(const void *user_context, halide_buffer_t *q, halide_buffer_t *k, halide_buffer_t *v,
                         halide_buffer_t *kv_len, float scale, bool causal, bool skip_hidden_tiles,
                         halide_buffer_t *out);

// Whether some query cannot see some key: then the pipeline must take its
// tile-skipping path, which visits only the key tiles each block can see;
// else it may take the running-max path (every tile, cheaper merges), which
// masks no key before Nk, and does where that path's tiles pay.
bool hides_keys(bool causal, const af_tensor &kv_len, int64_t batch, int64_t keys) {
  if (causal) return true;
  if (kv_len.data == nullptr) return false;
  const auto *lengths = static_cast<const int32_t *>(kv_len.data);
  for (int64_t b = 0; b < batch; ++b) {
    if (lengths[b * kv_len.strides[0]] < keys) return true;
  }
  return false;
}

int32_t check(const af_call *call, char *message, size_t capacity) {
  return attnforge::plugins::check_halide_index_range(call, kTensors, message, capacity);
}

template <Pipeline pipeline>
int32_t run(const af_call *call, char *message, size_t capacity) {
  const af_tensor *tensors = call->tensors;
  const int64_t batch = tensors[kQ].shape[0];
  const int64_t keys = tensors[kK].shape[2];
  const int64_t features = tensors[kQ].shape[3];

  // Without kv_len every batch entry sees all Nk keys.
  std::vector<int32_t> all_keys;
  HalideView q(tensors[kQ]), k(tensors[kK]), v(tensors[kV]), out(tensors[kOut]);
  if (tensors[kKvLen].data == nullptr) all_keys.assign(batch, static_cast<int32_t>(keys));
  HalideView kv_len = tensors[kKvLen].data != nullptr ? HalideView(tensors[kKvLen])
                                                      : HalideView(all_keys.data(), batch);

  const double scale = std::isnan(call->params[kScale]) ? 1.0 / std::sqrt(double(features)) : call->params[kScale];
  const bool causal = call->params[kCausal] != 0;
  attnforge::plugins::HalideErrors errors;
  return attnforge::plugins::halide_status(
      pipeline(errors.context(), q.get(), k.get(), v.get(), kv_len.get(), static_cast<float>(scale), causal,
               hides_keys(causal, tensors[kKvLen], batch, keys), out.get()),
      errors, message, capacity);
}

const af_variant kVariants[] = {
#include "full_variants.inc"
};

} // namespace

ATTNFORGE_PLUGIN_ENTRY("full", "0.1.0", kVariants)
