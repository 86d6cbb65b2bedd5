#include "attnforge/reference/softmax_attention.hpp"

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
  if (!condition) throw std::invalid_argument("softmax_attention: " + what);
}

} // namespace

DoubleTensor softmax_attention(const TensorView &q, const TensorView &k, const TensorView &v,
                               double scale, const AllowedFn &allowed) {
  require_host_view(q, "q", DType::F32, 4);
  require_host_view(k, "k", DType::F32, 4);
  require_host_view(v, "v", DType::F32, 4);
  const int64_t batch = q.shape[0], heads = q.shape[1], queries = q.shape[2], dim = q.shape[3];
  const int64_t kv_heads = k.shape[1], keys = k.shape[2], value_dim = v.shape[3];
  require(k.shape[0] == batch && v.shape[0] == batch, "q, k and v disagree on B");
  require(kv_heads > 0 && heads % kv_heads == 0 && v.shape[1] == kv_heads,
          "Hq must be a multiple of Hkv, and k and v must agree on Hkv");
  require(k.shape[3] == dim, "q and k disagree on D");
  require(v.shape[2] == keys, "k and v disagree on Nk");
  if (std::isnan(scale)) scale = 1.0 / std::sqrt(static_cast<double>(dim));
  const int64_t group = heads / kv_heads;

  DoubleTensor out = DoubleTensor::zeros({batch, heads, queries, value_dim});
  parallel_for(batch * heads * queries, [&](int64_t row) {
    const int64_t i = row % queries;
    const int64_t h = (row / queries) % heads;
    const int64_t b = row / (queries * heads);
    const int64_t g = h / group;

    std::vector<int64_t> seen;  // the keys this query may attend to
    std::vector<double> scores;
    for (int64_t j = 0; j < keys; ++j) {
      if (allowed && !allowed(b, h, i, j)) continue;
      double dot = 0;
      for (int64_t d = 0; d < dim; ++d) dot += load_f32(q, b, h, i, d) * load_f32(k, b, g, j, d);
      seen.push_back(j);
      scores.push_back(scale * dot);
    }
    if (seen.empty()) return;  // the row stays zero

    double row_max = -std::numeric_limits<double>::infinity();
    for (double score : scores) row_max = std::max(row_max, score);
    double row_sum = 0;
    for (double &score : scores) {
      score = std::exp(score - row_max);
      row_sum += score;
    }
    for (size_t n = 0; n < seen.size(); ++n) {
      const double weight = scores[n] / row_sum;
      for (int64_t e = 0; e < value_dim; ++e) {
        out.at(b, h, i, e) += weight * load_f32(v, b, g, seen[n], e);
      }
    }
  });
  return out;
}

} // namespace attnforge::reference
