#include "attnforge/reference/full_attention.hpp"

#include <stdexcept>
#include <vector>

#include "attnforge/reference/tensor_access.hpp"

namespace attnforge::reference {

AllowedFn full_attention_mask(const FullAttentionOptions &options, int64_t batch,
                              int64_t queries, int64_t keys) {
  std::vector<int64_t> key_lengths(static_cast<size_t>(batch), keys);
  if (options.kv_len.present()) {
    require_host_view(options.kv_len, "kv_len", DType::I32, 1);
    if (options.kv_len.shape[0] != batch) {
      throw std::invalid_argument("full_attention: kv_len must have B entries");
    }
    for (int64_t b = 0; b < batch; ++b) key_lengths[b] = load_i32(options.kv_len, b);
  }
  const bool causal = options.causal;
  return [key_lengths = std::move(key_lengths), causal, queries, keys](
             int64_t b, int64_t, int64_t i, int64_t j) {
    if (j >= key_lengths[b]) return false;
    return !causal || j <= i + keys - queries;
  };
}

DoubleTensor full_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                            const FullAttentionOptions &options) {
  require_host_view(q, "q", DType::F32, 4);
  require_host_view(k, "k", DType::F32, 4);
  const AllowedFn allowed = full_attention_mask(options, q.shape[0], q.shape[2], k.shape[2]);
  return softmax_attention(q, k, v, options.scale, allowed);
}

} // namespace attnforge::reference
