#include "full_call.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "attnforge/reference/full_attention.hpp"
#include "fuzz_bytes.hpp"
#include "tensor_breakage.hpp"

namespace attnforge::fuzz {
namespace {

struct FullCall {
  BreakageNumber breakage;
  reference::AttentionShape shape;
  reference::InputOptions options;       // order, row padding, kv_len
  bool causal = false;
  double scale = std::nan("");           // NaN: the kernel's default, 1/sqrt(D)
  std::map<std::string, double> params;  // what the call passes, defaults sometimes spelt out, then broken
  uint64_t seed = 0;                     // of the random q, k and v
  std::string pinned_variant;            // empty: the dispatcher picks
  uint64_t breakage_choice = 0;          // which form of the breakage

  FullBreakage own_breakage() const { return static_cast<FullBreakage>(breakage.own()); }
};

// Breakages of parameters and of kv_len's values live in the call itself, so
// that describe shows them.
void break_call(FullCall &call) {
  const uint64_t choice = call.breakage_choice;
  std::vector<int32_t> &kv_len = call.options.kv_len;
  const auto keys = static_cast<int32_t>(call.shape.keys);
  switch (call.own_breakage()) {
    case FullBreakage::ScaleOutOfRange:
      call.params["scale"] = nth_form(choice, {0.0, -0.125, -0.0, kNaN, kInf, -kInf, 1e31, 1e-31});
      break;
    case FullBreakage::CausalNotBoolean: call.params["causal"] = nth_form(choice, {2.0, 0.5, -1.0, kNaN}); break;
    case FullBreakage::KeyLengthOutOfRange: put_kv_len_out_of_range(kv_len, call.shape, choice); break;
    case FullBreakage::KeyLengthWrongShape: kv_len.assign(call.shape.batch + 1, keys); break;
    case FullBreakage::UnknownParam:
      call.params[nth_form<const char *>(choice, {"eps", "feature_map", "Causal", "window_left"})] = 1;
      break;
    default: break;
  }
}

// kv_len's dtype is a property of the view, not of the values.
void break_kv_len_view(const FullCall &call, FuzzedCall &fuzzed) {
  if (call.own_breakage() != FullBreakage::KeyLengthWrongDtype) return;
  const int64_t batch = call.shape.batch;
  fuzzed.arguments.tensors["kv_len"] =
      TensorView::contiguous(fuzzed.storage.emplace_back(batch, 1).data(), DType::F32, {batch});
}

ExpectedError expected_error(const FullCall &call) {
  using enum ErrorCategory;
  if (call.breakage.tensor()) return expected_error(*call.breakage.tensor());
  switch (call.own_breakage()) {
    case FullBreakage::ScaleOutOfRange: return {InvalidArgument, "parameter 'scale'"};
    case FullBreakage::CausalNotBoolean: return {InvalidArgument, "parameter 'causal'"};
    case FullBreakage::KeyLengthOutOfRange:
    case FullBreakage::KeyLengthWrongShape: return {InvalidArgument, "argument 'kv_len'"};
    case FullBreakage::KeyLengthWrongDtype: return {InvalidArgument, "argument 'kv_len': expected dtype i32"};
    case FullBreakage::UnknownParam: return {InvalidArgument, "unknown parameter"};
    case FullBreakage::None:
    case FullBreakage::Count: break;
  }
  return {Runtime, ""};
}

std::string describe(const FullCall &call) {
  std::ostringstream text;
  text << "full " << call.shape.to_string() << call.options.to_string();
  for (const auto &[name, value] : call.params) text << " " << name << "=" << value;
  text << " seed=" << call.seed << (call.pinned_variant.empty() ? " dispatched" : " pinned " + call.pinned_variant);
  text << call.breakage.text(to_string(call.own_breakage()), call.breakage_choice);
  return text.str();
}

FullCall decode_full_call(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants) {
  FullCall call;
  call.breakage = decode_breakage_number(bytes, kFullBreakageCount);
  call.breakage_choice = bytes.below(16);

  // Mostly small and ragged; one call in sixteen crosses several key tiles
  // (128 keys on AVX-512) and the query blocks.
  reference::AttentionShape &shape = call.shape;
  const bool long_sequence = bytes.chance(16);
  shape.batch = long_sequence ? 1 : bytes.between(1, 3);
  shape.kv_heads = long_sequence ? 1 : bytes.between(1, 3);
  shape.heads = shape.kv_heads * (long_sequence ? 1 : bytes.between(1, 3));
  const int64_t most = long_sequence ? 700 : 80;
  shape.queries = bytes.between(1, most);
  shape.keys = bytes.chance(3) ? shape.queries : bytes.between(1, most);
  shape.head_dim = bytes.one_of<int64_t>({64, 64, 64, 128, 1, 2, 17, 80});
  shape.value_dim = bytes.chance(2) ? shape.head_dim : bytes.one_of<int64_t>({1, 17, 64, 128});
  if (call.breakage.tensor()) fit_shape_to(*call.breakage.tensor(), bytes, shape);

  call.options.order = bytes.chance(2) ? reference::MemoryOrder::BHND : reference::MemoryOrder::BNHD;
  call.options.row_padding = bytes.chance(2) ? 0 : bytes.between(1, 3);
  if (bytes.chance(3)) {
    for (int64_t b = 0; b < shape.batch; ++b) call.options.kv_len.push_back(static_cast<int32_t>(bytes.between(0, shape.keys)));
  }
  call.causal = bytes.chance(2);
  // Up to 4: at scales of 100 and more, a near-tie of two keys turns the
  // logits' f32 rounding into weight errors past the 1e-5 budget in any f32
  // implementation (numpy's too: docs/testing.md); the range check of larger
  // scales is fuzzed as a breakage.
  if (bytes.chance(3)) call.scale = bytes.one_of({1e-30, 1e-3, 0.125, 1.0, 2.0, 4.0});
  if (call.causal || bytes.chance(4)) call.params["causal"] = call.causal ? 1 : 0;
  if (!std::isnan(call.scale)) call.params["scale"] = call.scale;
  break_call(call);

  call.pinned_variant = decode_pinned_variant(bytes, variants, shape);
  // Last, so that libFuzzer's first short inputs vary the call, not the data.
  call.seed = bytes.word();
  return call;
}

} // namespace

const char *to_string(FullBreakage breakage) {
  switch (breakage) {
    case FullBreakage::None: return "none";
    case FullBreakage::ScaleOutOfRange: return "scale out of range";
    case FullBreakage::CausalNotBoolean: return "causal not 0 or 1";
    case FullBreakage::KeyLengthOutOfRange: return "kv_len value out of range";
    case FullBreakage::KeyLengthWrongShape: return "kv_len of B + 1 entries";
    case FullBreakage::KeyLengthWrongDtype: return "kv_len of f32";
    case FullBreakage::UnknownParam: return "an unknown parameter";
    case FullBreakage::Count: break;
  }
  return "?";
}

FuzzedCall fuzzed_full_call(const Registry &registry, std::span<const uint8_t> data) {
  FuzzBytes bytes(data);
  const FullCall call = decode_full_call(bytes, usable_variants_of(registry, "full"));
  FuzzedCall fuzzed;
  fuzzed.kernel = "full";
  fuzzed.pinned_variant = call.pinned_variant;
  fuzzed.description = describe(call);
  fuzzed.breakage = call.breakage.number;
  fuzzed.expected = expected_error(call);
  draw_inputs(fuzzed, call.shape, call.options, call.seed, call.params);
  break_kv_len_view(call, fuzzed);
  break_tensors(call.breakage, call.breakage_choice, fuzzed);
  fuzzed.reference = [scale = call.scale, causal = call.causal](const reference::AttentionInputs &inputs) {
    return reference::full_attention(inputs.q.view(), inputs.k.view(), inputs.v.view(),
                                     {scale, causal, inputs.tensor_view("kv_len")});
  };
  return fuzzed;
}

} // namespace attnforge::fuzz
