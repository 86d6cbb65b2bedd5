#include "attnforge/reference/attention_inputs.hpp"

#include <sstream>
#include <stdexcept>
#include <utility>

namespace attnforge::reference {

std::string AttentionShape::to_string() const {
  std::string text = "B=" + std::to_string(batch);
  text += heads == kv_heads ? " H=" + std::to_string(heads)
                            : " Hq=" + std::to_string(heads) + " Hkv=" + std::to_string(kv_heads);
  text += queries == keys ? " N=" + std::to_string(queries)
                          : " Nq=" + std::to_string(queries) + " Nk=" + std::to_string(keys);
  text += head_dim == value_dim
              ? " D=" + std::to_string(head_dim)
              : " D=" + std::to_string(head_dim) + " Dv=" + std::to_string(value_dim);
  return text;
}

std::string InputOptions::to_string() const {
  std::ostringstream text;
  if (!kv_len.empty()) {
    text << " kv_len=";
    for (size_t b = 0; b < kv_len.size(); ++b) text << (b > 0 ? "," : "") << kv_len[b];
  }
  if (key_mask_keep) text << " key_mask(keep " << *key_mask_keep << ")";
  if (order != MemoryOrder::BHND) text << " " << reference::to_string(order);
  if (row_padding) text << " row_padding=" << row_padding;
  return text.str();
}

Arguments AttentionInputs::arguments(const std::map<std::string, double> &params) const {
  Arguments arguments;
  arguments.q = q.view();
  arguments.k = k.view();
  arguments.v = v.view();
  arguments.out = out.view();
  for (const auto &[name, tensor] : tensors) arguments.tensors[name] = tensor.view();
  arguments.params = params;
  return arguments;
}

TensorView AttentionInputs::tensor_view(const std::string &name) const {
  auto found = tensors.find(name);
  return found == tensors.end() ? TensorView{} : found->second.view();
}

AttentionInputs make_attention_inputs(const AttentionShape &shape, Random &random,
                                      const InputOptions &options) {
  const auto [batch, heads, kv_heads, queries, keys, dim, value_dim] = shape;
  AttentionInputs inputs;
  inputs.shape = shape;
  inputs.q = HostTensor::attention_operand({batch, heads, queries, dim}, options.order,
                                           options.row_padding);
  inputs.k = HostTensor::attention_operand({batch, kv_heads, keys, dim}, options.order,
                                           options.row_padding);
  inputs.v = HostTensor::attention_operand({batch, kv_heads, keys, value_dim}, options.order,
                                           options.row_padding);
  inputs.out = HostTensor::attention_operand({batch, heads, queries, value_dim}, options.order,
                                             options.row_padding);
  inputs.q.fill_normal(random);
  inputs.k.fill_normal(random);
  inputs.v.fill_normal(random);
  if (!options.kv_len.empty()) inputs.tensors.emplace("kv_len", HostTensor::int32(options.kv_len));
  if (options.key_mask_keep) {
    const double keep = *options.key_mask_keep;
    if (!(keep >= 0 && keep <= 1)) throw std::invalid_argument("key_mask_keep: expected a probability");
    std::vector<uint8_t> mask(static_cast<size_t>(batch * keys));
    for (uint8_t &byte : mask) byte = random.integer(0, 999) < keep * 1000 ? 1 : 0;
    inputs.tensors.emplace("key_mask", HostTensor::uint8(std::move(mask), batch, keys));
  }
  return inputs;
}

} // namespace attnforge::reference
