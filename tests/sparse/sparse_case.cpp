#include "sparse_case.hpp"

#include <algorithm>

namespace attnforge::testing {
namespace {

using reference::AttentionInputs;
using reference::DoubleTensor;

// docs/sparse.md, literally: p = i + Nk − Nq, δ = p − j.
bool pattern_allows(const SparsePattern &pattern, int64_t i, int64_t j, int64_t queries, int64_t keys) {
  const int64_t p = i + keys - queries;
  const int64_t delta = p - j;
  const bool window = pattern.window_left >= 0 || pattern.window_right >= 0;
  const bool any_part = window || pattern.stride > 0 || pattern.num_global > 0;
  if (!any_part) return true;
  if (window && delta <= std::max<int64_t>(pattern.window_left, 0) &&
      -delta <= std::max<int64_t>(pattern.window_right, 0)) {
    return true;
  }
  if (pattern.stride > 0 && delta % pattern.stride == 0 && (!pattern.stride_one_sided || delta >= 0)) return true;
  return pattern.num_global > 0 && (j < pattern.num_global || p < pattern.num_global);
}


} // namespace

reference::InputOptions SparseCase::input_options() const {
  return {.order = order, .kv_len = kv_len};
}

std::string SparseCase::describe() const {
  std::string text = shape.to_string();
  const SparsePattern &p = pattern;
  text += " window=" + std::to_string(p.window_left) + "/" + std::to_string(p.window_right);
  text += " stride=" + std::to_string(p.stride) + (p.stride_one_sided ? " one-sided" : "");
  text += " global=" + std::to_string(p.num_global);
  if (p.causal) text += " causal";
  text += input_options().to_string();
  if (block_size) text += " block_size=" + std::to_string(*block_size);
  if (layout) text += " explicit layout";
  return text;
}

std::vector<uint8_t> dense_mask(const SparseCase &sparse_case, int64_t b) {
  const int64_t queries = sparse_case.shape.queries, keys = sparse_case.shape.keys;
  const int64_t key_length = sparse_case.kv_len.empty() ? keys : sparse_case.kv_len[b];
  std::vector<uint8_t> mask(static_cast<size_t>(queries * keys), 0);
  for (int64_t i = 0; i < queries; ++i) {
    for (int64_t j = 0; j < keys; ++j) {
      if (j >= key_length) continue;
      if (sparse_case.pattern.causal && j > i + keys - queries) continue;
      bool skip_pattern = false;
      if (sparse_case.layout) {
        const ExplicitLayout &layout = *sparse_case.layout;
        const int64_t qb = i / sparse_case.layout_block_size(), kb = j / sparse_case.layout_block_size();
        bool listed = false;
        for (int64_t slot = 0; slot < layout.counts[qb]; ++slot) {
          if (layout.indices[qb * layout.max_blocks + slot] != kb) continue;
          listed = true;
          skip_pattern = !layout.full.empty() && layout.full[qb * layout.max_blocks + slot] != 0;
        }
        if (!listed) continue;
      }
      if (!skip_pattern && !pattern_allows(sparse_case.pattern, i, j, queries, keys)) continue;
      mask[i * keys + j] = 1;
    }
  }
  return mask;
}

std::map<std::string, double> params_of(const SparseCase &sparse_case) {
  const SparsePattern &p = sparse_case.pattern;
  std::map<std::string, double> params{{"window_left", double(p.window_left)},
                                       {"window_right", double(p.window_right)},
                                       {"stride", double(p.stride)},
                                       {"stride_one_sided", p.stride_one_sided ? 1.0 : 0.0},
                                       {"num_global", double(p.num_global)},
                                       {"causal", p.causal ? 1.0 : 0.0}};
  if (!std::isnan(sparse_case.scale)) params["scale"] = sparse_case.scale;
  // A layout is only meaningful for the block size it was made for.
  if (sparse_case.block_size || sparse_case.layout) params["block_size"] = double(sparse_case.layout_block_size());
  return params;
}

void add_layout_arguments(const ExplicitLayout &layout, int64_t query_blocks,
                          std::map<std::string, TensorView> &tensors) {
  auto view = [](const void *data, DType dtype, std::initializer_list<int64_t> shape) {
    return TensorView::contiguous(const_cast<void *>(data), dtype, shape);
  };
  tensors["block_count"] = view(layout.counts.data(), DType::I32, {query_blocks});
  tensors["block_index"] = view(layout.indices.data(), DType::I32, {query_blocks, layout.max_blocks});
  if (!layout.full.empty()) {
    tensors["block_full"] = view(layout.full.data(), DType::U8, {query_blocks, layout.max_blocks});
  }
}

DoubleTensor sparse_reference(const SparseCase &sparse_case, const AttentionInputs &inputs) {
  const int64_t batch = sparse_case.shape.batch;
  std::vector<std::vector<uint8_t>> masks;
  for (int64_t b = 0; b < batch; ++b) masks.push_back(dense_mask(sparse_case, b));
  const int64_t keys = sparse_case.shape.keys;
  return reference::softmax_attention(
      inputs.q.view(), inputs.k.view(), inputs.v.view(), sparse_case.scale,
      [&masks, keys](int64_t b, int64_t, int64_t i, int64_t j) { return masks[b][i * keys + j] != 0; });
}

AttentionInputs make_sparse_inputs(const SparseCase &sparse_case, reference::Random &random) {
  return reference::make_attention_inputs(sparse_case.shape, random, sparse_case.input_options());
}


} // namespace attnforge::testing
