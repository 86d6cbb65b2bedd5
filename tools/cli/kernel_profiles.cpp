#include "kernel_profiles.hpp"

#include <cmath>

#include <fmt/format.h>

#include "attnforge/reference/full_attention.hpp"
#include "attnforge/block_layout.hpp"
#include "attnforge/reference/linear_attention.hpp"

namespace attnforge::cli {
namespace {

using reference::AttentionInputs;
using reference::AttentionShape;
using reference::DoubleTensor;

// QKᵀ costs 2·D and PV 2·Dv operations per (query, key) pair; a causal mask
// over a square problem visits half the pairs.
double full_attention_flops(const Problem &problem) {
  const AttentionShape &s = problem.shape;
  double flops = 2.0 * s.batch * s.heads * s.queries * s.keys * (s.head_dim + s.value_dim);
  if (problem.flag("causal") && s.queries == s.keys) flops /= 2;
  return flops;
}

DoubleTensor full_attention_reference(const Problem &problem, const AttentionInputs &inputs) {
  reference::FullAttentionOptions options;
  options.scale = problem.param("scale", std::nan(""));
  options.causal = problem.flag("causal");
  options.kv_len = inputs.tensor_view("kv_len");
  return reference::full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

// φ(K)ᵀV and φ(Q)·context cost 2·D·Dv per key and per query; feature maps
// and normalisers (O(N·D)) are not counted, nor the causal in-chunk part.
double linear_attention_flops(const Problem &problem) {
  const AttentionShape &s = problem.shape;
  return 2.0 * s.batch * s.heads * (s.queries + s.keys) * s.head_dim * s.value_dim;
}

DoubleTensor linear_attention_reference(const Problem &problem, const AttentionInputs &inputs) {
  reference::LinearAttentionOptions options;
  options.feature_map = static_cast<reference::FeatureMap>(problem.param("feature_map", 0));
  options.causal = problem.flag("causal");
  options.eps = problem.param("eps", 1e-6);
  options.kv_len = inputs.tensor_view("kv_len");
  options.key_mask = inputs.tensor_view("key_mask");
  return reference::linear_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(), options);
}

// The kernel's pattern parameters (unset ones at the kernel's defaults).
SparsePattern sparse_pattern(const Problem &problem) {
  SparsePattern pattern;
  pattern.window_left = static_cast<int64_t>(problem.param("window_left", -1));
  pattern.window_right = static_cast<int64_t>(problem.param("window_right", -1));
  pattern.stride = static_cast<int64_t>(problem.param("stride", 0));
  pattern.stride_one_sided = problem.flag("stride_one_sided");
  pattern.num_global = static_cast<int64_t>(problem.param("num_global", 0));
  pattern.causal = problem.flag("causal");
  return pattern;
}

// The work the kernel does: 2·(D + Dv) per pair it computes, masked pairs
// included, since they cost the same. Those are the pairs of every visited
// block (the layout the plugin builds from the pattern, with 64 × 64 blocks
// unless the call asks for another block_size) and, when the strided part
// goes the row path, every query's candidates in its stride class.
double sparse_attention_flops(const Problem &problem) {
  const AttentionShape &s = problem.shape;
  const auto block = static_cast<int64_t>(problem.param("block_size", 64));
  const SparsePattern pattern = sparse_pattern(problem);
  const StridedPairs strided = strided_pairs_of_built_layout(pattern, s.keys);
  const BlockLayout layout = build_block_layout(pattern, s.queries, s.keys, block, strided);
  double pairs = double(layout.visited_blocks()) * block * block;
  if (strided == StridedPairs::PerRow) pairs += double(s.queries) * ((s.keys + pattern.stride - 1) / pattern.stride);
  return 2.0 * s.batch * s.heads * pairs * (s.head_dim + s.value_dim);
}

// Softmax attention under the pattern's dense mask, cut by kv_len as full's is.
DoubleTensor sparse_attention_reference(const Problem &problem, const AttentionInputs &inputs) {
  reference::FullAttentionOptions key_lengths;
  key_lengths.kv_len = inputs.tensor_view("kv_len");
  const AttentionShape &s = problem.shape;
  const reference::AllowedFn within_keys = reference::full_attention_mask(key_lengths, s.batch, s.queries, s.keys);
  const SparsePattern pattern = sparse_pattern(problem);
  return reference::softmax_attention(
      inputs.q.view(), inputs.k.view(), inputs.v.view(), problem.param("scale", std::nan("")),
      [&](int64_t b, int64_t h, int64_t i, int64_t j) {
        return within_keys(b, h, i, j) && pattern.allows(i, j, s.queries, s.keys);
      });
}

Problem with_params(AttentionShape shape, std::map<std::string, double> params) {
  Problem problem;
  problem.shape = shape;
  problem.params = std::move(params);
  return problem;
}

std::vector<KernelProfile> make_profiles() {
  const AttentionShape demo_shape{1, 8, 8, 1024, 1024, 64, 64};
  return {
      KernelProfile{
          .name = "full",
          .default_problem = with_params(demo_shape, {}),
          .demo_cases = {{"non-causal", with_params(demo_shape, {})},
                         {"causal", with_params(demo_shape, {{"causal", 1}})}},
          .flop_count = full_attention_flops,
          .reference = full_attention_reference,
          .add_tensors = {},
          .options = {},
      },
      KernelProfile{
          .name = "linear",
          .default_problem = with_params(demo_shape, {}),
          .demo_cases = {{"softmax", with_params(demo_shape, {})},
                         {"elu1 causal", with_params(demo_shape, {{"feature_map", 1}, {"causal", 1}})}},
          .flop_count = linear_attention_flops,
          .reference = linear_attention_reference,
          .add_tensors = {},
          // The kernel's feature_map parameter numbers the maps in this order.
          .options = {{"--feature-map", "feature_map", "Feature map phi: softmax, elu1 or relu",
                       {"softmax", "elu1", "relu"}},
                      {"--eps", "eps", "Normaliser epsilon (elu1, relu)", {}}},
      },
      KernelProfile{
          .name = "sparse",
          .default_problem = with_params(demo_shape, {{"window_left", 256}, {"window_right", 256}}),
          .demo_cases = {{"local(256)", with_params(demo_shape, {{"window_left", 256}, {"window_right", 256}})},
                         {"local(256)+stride(256) causal",
                          with_params(demo_shape, {{"window_left", 256}, {"stride", 256}, {"causal", 1}})}},
          .flop_count = sparse_attention_flops,
          .reference = sparse_attention_reference,
          .add_tensors = {},  // the kernel builds the block layout from the pattern
          .options = {{"--window-left", "window_left", "Local window: keys up to N before the query (-1: off)", {}},
                      {"--window-right", "window_right", "Local window: keys up to N after the query (-1: off)", {}},
                      {"--stride", "stride", "Strided part: keys a multiple of N away (0: off)", {}},
                      {"--stride-one-sided", "stride_one_sided", "Strided part only before the query",
                       {"no", "yes"}},
                      {"--num-global", "num_global", "Global tokens: the first N keys and queries", {}}},
      },
  };
}

} // namespace

double Problem::param(const std::string &name, double fallback) const {
  auto found = params.find(name);
  return found == params.end() ? fallback : found->second;
}

std::string Problem::describe() const {
  std::string text = shape.to_string();
  for (const auto &[name, value] : params) {
    if (name == "causal") {
      if (value != 0) text += " causal";
    } else {
      text += fmt::format(" {}={}", name, value);
    }
  }
  return text + inputs.to_string();
}

const std::vector<KernelProfile> &kernel_profiles() {
  static const std::vector<KernelProfile> profiles = make_profiles();
  return profiles;
}

KernelProfile profile_for(const std::string &kernel) {
  for (const KernelProfile &profile : kernel_profiles()) {
    if (profile.name == kernel) return profile;
  }
  KernelProfile bare;
  bare.name = kernel;
  bare.flop_count = [](const Problem &) { return 0.0; };
  return bare;
}

} // namespace attnforge::cli
