#include "attnforge/reference/linear_attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "attnforge/reference/tensor_access.hpp"
#include "parallel_for.hpp"

namespace attnforge::reference {
namespace {

void require(bool condition, const std::string &what) {
  if (!condition) throw std::invalid_argument("linear_attention: " + what);
}

double elementwise_feature(FeatureMap map, double x) {
  if (map == FeatureMap::Elu1) return x > 0 ? x + 1 : std::exp(x);
  return std::max(x, 0.0);
}

// visible[b][j]: key j of batch entry b passes kv_len and key_mask.
std::vector<std::vector<bool>> visible_keys(const LinearAttentionOptions &options, int64_t batch,
                                            int64_t keys) {
  std::vector<std::vector<bool>> visible(batch, std::vector<bool>(keys, true));
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t length = options.kv_len.present() ? load_i32(options.kv_len, b) : keys;
    for (int64_t j = 0; j < keys; ++j) {
      bool kept = j < length;
      if (options.key_mask.present()) {
        const auto *mask = static_cast<const uint8_t *>(options.key_mask.data);
        kept = kept && mask[b * options.key_mask.strides[0] + j * options.key_mask.strides[1]] != 0;
      }
      visible[b][j] = kept;
    }
  }
  return visible;
}

} // namespace

DoubleTensor linear_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                              const LinearAttentionOptions &options) {
  require_host_view(q, "q", DType::F32, 4);
  require_host_view(k, "k", DType::F32, 4);
  require_host_view(v, "v", DType::F32, 4);
  const int64_t batch = q.shape[0], heads = q.shape[1], queries = q.shape[2], dim = q.shape[3];
  const int64_t kv_heads = k.shape[1], keys = k.shape[2], value_dim = v.shape[3];
  require(heads % kv_heads == 0, "Hq must be a multiple of Hkv");
  require(!(options.causal && options.feature_map == FeatureMap::Softmax),
          "softmax with causal is not defined");
  if (options.kv_len.present()) require_host_view(options.kv_len, "kv_len", DType::I32, 1);
  if (options.key_mask.present()) require_host_view(options.key_mask, "key_mask", DType::U8, 2);
  const std::vector<std::vector<bool>> visible = visible_keys(options, batch, keys);
  const int64_t group = heads / kv_heads;
  const bool softmax = options.feature_map == FeatureMap::Softmax;

  // φ(k) for every kv head: softmax over the visible keys per feature, or
  // elementwise; 0 for keys that are not visible.
  std::vector<double> key_features(batch * kv_heads * keys * dim, 0.0);
  auto phi_k = [&](int64_t b, int64_t g, int64_t j, int64_t d) -> double & {
    return key_features[((b * kv_heads + g) * keys + j) * dim + d];
  };
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t g = 0; g < kv_heads; ++g) {
      for (int64_t d = 0; d < dim; ++d) {
        double key_max = -std::numeric_limits<double>::infinity(), sum = 0;
        for (int64_t j = 0; j < keys; ++j) {
          if (visible[b][j]) key_max = std::max(key_max, load_f32(k, b, g, j, d));
        }
        for (int64_t j = 0; j < keys; ++j) {
          if (visible[b][j] && softmax) sum += std::exp(load_f32(k, b, g, j, d) - key_max);
        }
        for (int64_t j = 0; j < keys; ++j) {
          if (!visible[b][j]) continue;
          const double x = load_f32(k, b, g, j, d);
          phi_k(b, g, j, d) = softmax ? std::exp(x - key_max) / sum : elementwise_feature(options.feature_map, x);
        }
      }
    }
  }

  DoubleTensor out = DoubleTensor::zeros({batch, heads, queries, value_dim});
  parallel_for(batch * heads * queries, [&](int64_t row) {
    const int64_t i = row % queries;
    const int64_t h = (row / queries) % heads;
    const int64_t b = row / (queries * heads);
    const int64_t g = h / group;

    std::vector<double> phi_q(dim);
    double query_max = -std::numeric_limits<double>::infinity(), sum = 0;
    for (int64_t d = 0; d < dim; ++d) query_max = std::max(query_max, load_f32(q, b, h, i, d));
    for (int64_t d = 0; d < dim; ++d) sum += std::exp(load_f32(q, b, h, i, d) - query_max);
    for (int64_t d = 0; d < dim; ++d) {
      const double x = load_f32(q, b, h, i, d);
      phi_q[d] = softmax ? std::exp(x - query_max) / sum : elementwise_feature(options.feature_map, x);
    }

    const int64_t last_key = options.causal ? std::min(keys - 1, i + keys - queries) : keys - 1;
    double normaliser = 0;
    std::vector<double> numerator(value_dim, 0.0);
    for (int64_t j = 0; j <= last_key; ++j) {
      double weight = 0;  // φ(k) is 0 for keys that are not visible
      for (int64_t d = 0; d < dim; ++d) weight += phi_q[d] * phi_k(b, g, j, d);
      normaliser += weight;
      for (int64_t e = 0; e < value_dim; ++e) numerator[e] += weight * load_f32(v, b, g, j, e);
    }
    for (int64_t e = 0; e < value_dim; ++e) {
      out.at(b, h, i, e) = softmax ? numerator[e] : numerator[e] / (normaliser + options.eps);
    }
  });
  return out;
}

} // namespace attnforge::reference
