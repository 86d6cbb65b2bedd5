#include "linear_call.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_bytes.hpp"
#include "linear_case.hpp"
#include "tensor_breakage.hpp"

namespace attnforge::fuzz {
namespace {

using reference::MemoryOrder;

struct LinearCall {
  BreakageNumber breakage;
  testing::LinearCase linear_case;       // the problem, as the linear suites state one
  std::map<std::string, double> params;  // params_of(linear_case), defaults sometimes spelt out, then broken
  uint64_t seed = 0;             // of the random q, k, v (and key_mask)
  std::string pinned_variant;    // empty: the dispatcher picks
  uint64_t breakage_choice = 0;  // which form of the breakage (which eps, which tensor, ...)

  LinearBreakage own_breakage() const { return static_cast<LinearBreakage>(breakage.own()); }
};

// Breakages of parameters and of kv_len's values live in the call itself, so
// that describe shows them.
void break_call(LinearCall &call) {
  const uint64_t choice = call.breakage_choice;
  std::vector<int32_t> &kv_len = call.linear_case.kv_len;
  switch (call.own_breakage()) {
    case LinearBreakage::EpsOutOfRange:
      call.params["eps"] = nth_form(choice, {0.0, -1e-6, -0.0, kNaN, kInf, -kInf, 1e31, 1e-31});
      break;
    case LinearBreakage::FeatureMapUnknown: call.params["feature_map"] = nth_form(choice, {-1.0, 3.0, 1.5, kNaN, 1e9}); break;
    case LinearBreakage::CausalNotBoolean: call.params["causal"] = nth_form(choice, {2.0, 0.5, -1.0, kNaN}); break;
    case LinearBreakage::SoftmaxCausal:
      call.params["feature_map"] = 0;
      call.params["causal"] = 1;
      break;
    case LinearBreakage::KeyLengthOutOfRange: put_kv_len_out_of_range(kv_len, call.linear_case.shape, choice); break;
    case LinearBreakage::KeyLengthWrongShape:
      kv_len.assign(call.linear_case.shape.batch + 1, static_cast<int32_t>(call.linear_case.shape.keys));
      break;
    case LinearBreakage::KeyMaskWrongShape:
    case LinearBreakage::KeyMaskWrongDtype: call.linear_case.key_mask_keep.reset(); break;  // prepare passes its own
    case LinearBreakage::UnknownParam: call.params[nth_form<const char *>(choice, {"epsilon", "feature", "Causal", "kv_len"})] = 1;
      break;
    default: break;
  }
}

// Breakages of linear's extra tensors, applied to views of valid inputs.
void break_key_mask(const LinearCall &call, FuzzedCall &fuzzed) {
  Arguments &arguments = fuzzed.arguments;
  const reference::AttentionShape &shape = call.linear_case.shape;
  const uint64_t choice = call.breakage_choice;
  auto buffer = [&](int64_t count) { return fuzzed.storage.emplace_back(count, 1).data(); };
  switch (call.own_breakage()) {
    case LinearBreakage::KeyMaskWrongShape: {
      void *mask = buffer((shape.batch + 1) * (shape.keys + 1));
      arguments.tensors["key_mask"] = nth_form(choice, {TensorView::contiguous(mask, DType::U8, {shape.batch, shape.keys + 1}),
                                                   TensorView::contiguous(mask, DType::U8, {shape.batch + 1, shape.keys}),
                                                   TensorView::contiguous(mask, DType::U8, {shape.batch * shape.keys})});
      break;
    }
    case LinearBreakage::KeyMaskWrongDtype:
      arguments.tensors["key_mask"] =
          TensorView::contiguous(buffer(shape.batch * shape.keys), DType::I32, {shape.batch, shape.keys});
      break;
    default: break;
  }
}

ExpectedError expected_error(const LinearCall &call) {
  using enum ErrorCategory;
  if (call.breakage.tensor()) return expected_error(*call.breakage.tensor());
  switch (call.own_breakage()) {
    case LinearBreakage::EpsOutOfRange: return {InvalidArgument, "parameter 'eps'"};
    case LinearBreakage::FeatureMapUnknown: return {InvalidArgument, "parameter 'feature_map'"};
    case LinearBreakage::CausalNotBoolean: return {InvalidArgument, "parameter 'causal'"};
    case LinearBreakage::SoftmaxCausal: return {Unsupported, "parameter 'feature_map'"};
    case LinearBreakage::KeyLengthOutOfRange:
    case LinearBreakage::KeyLengthWrongShape: return {InvalidArgument, "argument 'kv_len'"};
    case LinearBreakage::KeyMaskWrongShape:
    case LinearBreakage::KeyMaskWrongDtype: return {InvalidArgument, "argument 'key_mask'"};
    case LinearBreakage::UnknownParam: return {InvalidArgument, "unknown parameter"};
    case LinearBreakage::None:
    case LinearBreakage::Count: break;
  }
  return {Runtime, ""};
}

std::string describe(const LinearCall &call) {
  std::ostringstream text;
  text << "linear " << call.linear_case.shape.to_string() << call.linear_case.input_options().to_string();
  for (const auto &[name, value] : call.params) text << " " << name << "=" << value;
  text << " seed=" << call.seed << (call.pinned_variant.empty() ? " dispatched" : " pinned " + call.pinned_variant);
  text << call.breakage.text(to_string(call.own_breakage()), call.breakage_choice);
  return text.str();
}

LinearCall decode_linear_call(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants) {
  LinearCall call;
  call.breakage = decode_breakage_number(bytes, kLinearBreakageCount);
  call.breakage_choice = bytes.below(16);

  // Mostly small and ragged; one call in sixteen is long enough to cross the
  // kernels' key tiles and causal chunks (512 keys on AVX-512).
  reference::AttentionShape &shape = call.linear_case.shape;
  const bool long_sequence = bytes.chance(16);
  shape.batch = long_sequence ? 1 : bytes.between(1, 3);
  shape.kv_heads = long_sequence ? 1 : bytes.between(1, 3);
  shape.heads = shape.kv_heads * (long_sequence ? 1 : bytes.between(1, 3));
  const int64_t most = long_sequence ? 1100 : 80;
  shape.queries = bytes.between(1, most);
  shape.keys = bytes.chance(3) ? shape.queries : bytes.between(1, most);
  shape.head_dim = bytes.one_of<int64_t>({64, 64, 64, 1, 2, 16, 33, 128});
  shape.value_dim = bytes.chance(2) ? shape.head_dim : bytes.one_of<int64_t>({1, 17, 64, 80});
  if (call.breakage.tensor()) fit_shape_to(*call.breakage.tensor(), bytes, shape);

  testing::LinearCase &linear_case = call.linear_case;
  linear_case.order = bytes.chance(2) ? MemoryOrder::BHND : MemoryOrder::BNHD;
  linear_case.row_padding = bytes.chance(2) ? 0 : bytes.between(1, 3);
  if (bytes.chance(3)) {
    for (int64_t b = 0; b < shape.batch; ++b) linear_case.kv_len.push_back(static_cast<int32_t>(bytes.between(0, shape.keys)));
  }
  if (bytes.chance(3)) linear_case.key_mask_keep = bytes.one_of({0.0, 0.3, 0.9, 1.0});

  linear_case.feature_map = static_cast<testing::FeatureMap>(bytes.between(0, 2));
  linear_case.causal = linear_case.feature_map != testing::FeatureMap::Softmax && bytes.chance(2);
  if (bytes.chance(3)) linear_case.eps = bytes.one_of({1e-30, 1e-9, 1e-6, 1e-3, 0.5, 2.0, 1e30});
  call.params = testing::params_of(linear_case);
  // The same call with its defaults left out or spelt out.
  if (linear_case.feature_map == testing::FeatureMap::Softmax && bytes.chance(2)) call.params.erase("feature_map");
  if (!linear_case.causal && bytes.chance(4)) call.params["causal"] = 0;
  if (linear_case.eps == 1e-6 && bytes.chance(4)) call.params["eps"] = 1e-6;
  break_call(call);

  call.pinned_variant = decode_pinned_variant(bytes, variants, shape);
  // Last, so that libFuzzer's first short inputs vary the call, not the data.
  call.seed = bytes.word();
  return call;
}

} // namespace

const char *to_string(LinearBreakage breakage) {
  switch (breakage) {
    case LinearBreakage::None: return "none";
    case LinearBreakage::EpsOutOfRange: return "eps out of range";
    case LinearBreakage::FeatureMapUnknown: return "unknown feature_map";
    case LinearBreakage::CausalNotBoolean: return "causal not 0 or 1";
    case LinearBreakage::SoftmaxCausal: return "softmax with causal";
    case LinearBreakage::KeyLengthOutOfRange: return "kv_len value out of range";
    case LinearBreakage::KeyLengthWrongShape: return "kv_len of B + 1 entries";
    case LinearBreakage::KeyMaskWrongShape: return "key_mask of the wrong shape";
    case LinearBreakage::KeyMaskWrongDtype: return "key_mask of i32";
    case LinearBreakage::UnknownParam: return "an unknown parameter";
    case LinearBreakage::Count: break;
  }
  return "?";
}

FuzzedCall fuzzed_linear_call(const Registry &registry, std::span<const uint8_t> data) {
  FuzzBytes bytes(data);
  const LinearCall call = decode_linear_call(bytes, usable_variants_of(registry, "linear"));
  FuzzedCall fuzzed;
  fuzzed.kernel = "linear";
  fuzzed.pinned_variant = call.pinned_variant;
  fuzzed.description = describe(call);
  fuzzed.breakage = call.breakage.number;
  fuzzed.expected = expected_error(call);
  draw_inputs(fuzzed, call.linear_case.shape, call.linear_case.input_options(), call.seed, call.params);
  break_key_mask(call, fuzzed);
  break_tensors(call.breakage, call.breakage_choice, fuzzed);
  fuzzed.reference = [linear_case = call.linear_case](const reference::AttentionInputs &inputs) {
    return testing::linear_reference(linear_case, inputs);
  };
  return fuzzed;
}

} // namespace attnforge::fuzz
