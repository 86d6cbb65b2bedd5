// One attention problem's random inputs and poisoned output, ready to pass to
// a kernel as attnforge::Arguments. Shared by the tests and the CLI.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attnforge/reference/host_tensor.hpp"
#include "attnforge/reference/random.hpp"
#include "attnforge/registry.hpp"

namespace attnforge::reference {

struct AttentionShape {
  int64_t batch = 1;
  int64_t heads = 8;      // Hq
  int64_t kv_heads = 8;   // Hkv; Hq must be a multiple
  int64_t queries = 1024; // Nq
  int64_t keys = 1024;    // Nk
  int64_t head_dim = 64;  // D
  int64_t value_dim = 64; // Dv

  // "B=1 H=8 N=1024 D=64", naming Hq/Hkv, Nq/Nk, D/Dv apart only when they differ.
  std::string to_string() const;
};

struct InputOptions {
  MemoryOrder order = MemoryOrder::BHND;
  int64_t row_padding = 0;       // unused elements after every D-row
  std::vector<int32_t> kv_len{};  // empty: no kv_len tensor; else one per batch
  // A key_mask tensor, u8 [B, Nk], each key kept (1) with this probability,
  // drawn after q, k and v; none: no key_mask tensor.
  std::optional<double> key_mask_keep{};

  // What differs from the defaults, each item after a space, to follow a
  // shape's text: " kv_len=50,70 key_mask(keep 0.5) bnhd row_padding=3".
  std::string to_string() const;
};

struct AttentionInputs {
  AttentionShape shape;
  HostTensor q, k, v, out;
  std::map<std::string, HostTensor> tensors;  // the family's extra tensors: kv_len, key_mask, ...

  // The named extra tensor's view, or an absent one (as a reference's options
  // take a tensor the call does not pass).
  TensorView tensor_view(const std::string &name) const;

  // q, k, v, out and every extra tensor by name, with these parameters.
  Arguments arguments(const std::map<std::string, double> &params = {}) const;
};

// q, k and v drawn from N(0, 1), out poisoned with NaN, kv_len as given,
// key_mask drawn as asked.
AttentionInputs make_attention_inputs(const AttentionShape &shape, Random &random,
                                      const InputOptions &options = {});

} // namespace attnforge::reference
