// The `linear` plugin: the variant table of linear attention and the one
// bridge from an af_call to the generated pipelines, whose signature is
//   f(q, k, v, kv_len, key_mask, feature_map, causal, eps, out).
// The runtime has already checked every shape, dtype, range and alias rule in
// the specs below before check() and run() are called.
#include <vector>

#include "attnforge/plugin_abi.h"
#include "attention_tensors.h"
#include "halide_call.h"
#include "plugin_entry.h"
#include "linear_variant_headers.inc"

namespace {

using attnforge::plugins::HalideView;

enum Tensor { kQ, kK, kV, kOut, kKvLen, kKeyMask, kTensorCount };
enum Param { kFeatureMap, kCausal, kEps, kParamCount };
// As generators/linear_attention.cpp numbers them.
enum FeatureMap { kSoftmax = 0, kElu1 = 1, kRelu = 2 };

const af_tensor_spec kTensors[kTensorCount] = {
    attnforge::plugins::kQueriesSpec, attnforge::plugins::kKeysSpec, attnforge::plugins::kValuesSpec,
    attnforge::plugins::kOutSpec,     attnforge::plugins::kKvLenSpec,
    {"key_mask", AF_DTYPE_U8, 1, "B,Nk", nullptr,
     "keys to attend to (nonzero) or to drop (0), per batch entry; default all; combines with kv_len"},
};

const af_param_spec kParams[kParamCount] = {
    {"feature_map", AF_PARAM_INT, kSoftmax, kSoftmax, kRelu,
     "phi: 0 softmax (q over features, k over the keys, no normaliser), 1 elu1 (elu(x)+1), 2 relu; "
     "elu1 and relu divide by phi(q).sum(phi(k)) + eps"},
    {"causal", AF_PARAM_BOOL, 0, 0, 1,
     "query i sees keys j <= i + Nk - Nq (aligned bottom-right); elu1 and relu only"},
    {"eps", AF_PARAM_FLOAT, 1e-6, 1e-30, 1e30, "added to the elu1/relu normaliser; must be > 0"},
};

int32_t check(const af_call *call, char *message, size_t capacity) {
  if (call->params[kCausal] != 0 && call->params[kFeatureMap] == static_cast<double>(kSoftmax)) {
    attnforge::plugins::write_message(
        message, capacity,
        "parameter 'feature_map': causal linear attention supports elu1 (1) and relu (2), got softmax (0); "
        "a softmax over keys would renormalise every query's prefix, which prefix sums cannot do");
    return AF_ERROR_UNSUPPORTED;
  }
  return attnforge::plugins::check_halide_index_range(call, kTensors, message, capacity);
}

// The first argument is Halide's user_context: the call's HalideErrors.
using Pipeline = int (*)(const void *user_context, halide_buffer_t *q, halide_buffer_t *k, halide_buffer_t *v,
                         halide_buffer_t *kv_len, halide_buffer_t *key_mask, int feature_map, bool causal, float eps,
                         halide_buffer_t *out);

template <Pipeline pipeline>
int32_t run(const af_call *call, char *message, size_t capacity) {
  const af_tensor *tensors = call->tensors;
  const int64_t batch = tensors[kQ].shape[0];
  const int64_t keys = tensors[kK].shape[2];

  // Without kv_len every batch entry sees all Nk keys; without key_mask every
  // key is kept: one nonzero byte seen through stride-0 dimensions.
  std::vector<int32_t> all_keys;
  if (tensors[kKvLen].data == nullptr) all_keys.assign(batch, static_cast<int32_t>(keys));
  HalideView kv_len = tensors[kKvLen].data != nullptr ? HalideView(tensors[kKvLen])
                                                      : HalideView(all_keys.data(), batch);
  uint8_t keep = 1;
  af_tensor keep_all{&keep, AF_DTYPE_U8, AF_DEVICE_CPU, 2, 0, {batch, keys}, {0, 0}};
  HalideView key_mask(tensors[kKeyMask].data != nullptr ? tensors[kKeyMask] : keep_all);
  HalideView q(tensors[kQ]), k(tensors[kK]), v(tensors[kV]), out(tensors[kOut]);

  const int feature_map = static_cast<int>(call->params[kFeatureMap]);
  const bool causal = call->params[kCausal] != 0;
  const float eps = static_cast<float>(call->params[kEps]);
  attnforge::plugins::HalideErrors errors;
  return attnforge::plugins::halide_status(pipeline(errors.context(), q.get(), k.get(), v.get(), kv_len.get(),
                                                    key_mask.get(), feature_map, causal, eps, out.get()),
                                           errors, message, capacity);
}

const af_variant kVariants[] = {
#include "linear_variants.inc"
};

} // namespace

ATTNFORGE_PLUGIN_ENTRY("linear", "0.1.0", kVariants)
