#include "linear_call.hpp"

#include <cmath>
#include <limits>
#include <sstream>

namespace attnforge::fuzz {
namespace {

using reference::MemoryOrder;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <typename T>
T nth(uint64_t choice, std::initializer_list<T> forms) {
  return forms.begin()[choice % forms.size()];
}

// The shape a breakage needs to be expressible (a D to shrink, two query rows
// to share an address, ...); every other shape is left as decoded.
void fit_shape_to(Breakage breakage, FuzzBytes &bytes, reference::AttentionShape &shape) {
  switch (breakage) {
    case Breakage::HeadsUneven:
      shape.kv_heads = bytes.between(2, 3);
      shape.heads = shape.kv_heads * bytes.between(1, 2) + bytes.between(1, shape.kv_heads - 1);
      break;
    case Breakage::HeadDimMismatch: shape.head_dim = std::max<int64_t>(shape.head_dim, 2); break;
    case Breakage::KeyCountMismatch: shape.keys = std::max<int64_t>(shape.keys, 2); break;
    case Breakage::OutAliasesInput: shape.value_dim = shape.head_dim; break;
    case Breakage::OutStrideZero: shape.queries = std::max<int64_t>(shape.queries, 2); break;
    case Breakage::OutRowsOverlap:
      shape.queries = std::max<int64_t>(shape.queries, 2);
      shape.value_dim = std::max<int64_t>(shape.value_dim, 2);
      break;
    default: break;
  }
}

// Breakages of parameters and of kv_len's values live in the call itself, so
// that describe() shows them.
void break_call(LinearCall &call) {
  const uint64_t choice = call.breakage_choice;
  std::vector<int32_t> &kv_len = call.options.kv_len;
  switch (call.breakage) {
    case Breakage::EpsOutOfRange:
      call.params["eps"] = nth(choice, {0.0, -1e-6, -0.0, kNaN, kInf, -kInf, 1e31, 1e-31});
      break;
    case Breakage::FeatureMapUnknown: call.params["feature_map"] = nth(choice, {-1.0, 3.0, 1.5, kNaN, 1e9}); break;
    case Breakage::CausalNotBoolean: call.params["causal"] = nth(choice, {2.0, 0.5, -1.0, kNaN}); break;
    case Breakage::SoftmaxCausal:
      call.params["feature_map"] = 0;
      call.params["causal"] = 1;
      break;
    case Breakage::KeyLengthOutOfRange: {
      if (kv_len.empty()) kv_len.assign(call.shape.batch, static_cast<int32_t>(call.shape.keys));
      const int32_t keys = static_cast<int32_t>(call.shape.keys);
      kv_len[choice % kv_len.size()] =
          nth(choice / 2, {-1, keys + 1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
      break;
    }
    case Breakage::KeyLengthWrongShape:
      kv_len.assign(call.shape.batch + 1, static_cast<int32_t>(call.shape.keys));
      break;
    case Breakage::KeyMaskWrongShape:
    case Breakage::KeyMaskWrongDtype: call.options.key_mask_keep.reset(); break;  // prepare passes its own
    case Breakage::UnknownParam: call.params[nth<const char *>(choice, {"epsilon", "feature", "Causal", "kv_len"})] = 1;
      break;
    default: break;
  }
}

// Breakages of the tensors themselves, applied to views of valid inputs.
void break_tensors(const LinearCall &call, PreparedCall &prepared) {
  Arguments &arguments = prepared.arguments;
  const reference::AttentionShape &shape = call.shape;
  const uint64_t choice = call.breakage_choice;
  auto buffer = [&](int64_t count) { return prepared.storage.emplace_back(count, 1).data(); };
  switch (call.breakage) {
    case Breakage::KeyMaskWrongShape: {
      void *mask = buffer((shape.batch + 1) * (shape.keys + 1));
      arguments.tensors["key_mask"] = nth(choice, {TensorView::contiguous(mask, DType::U8, {shape.batch, shape.keys + 1}),
                                                   TensorView::contiguous(mask, DType::U8, {shape.batch + 1, shape.keys}),
                                                   TensorView::contiguous(mask, DType::U8, {shape.batch * shape.keys})});
      break;
    }
    case Breakage::KeyMaskWrongDtype:
      arguments.tensors["key_mask"] =
          TensorView::contiguous(buffer(shape.batch * shape.keys), DType::I32, {shape.batch, shape.keys});
      break;
    case Breakage::HeadDimMismatch: arguments.k.shape[3] -= 1; break;
    case Breakage::KeyCountMismatch: arguments.v.shape[2] -= 1; break;
    case Breakage::OutAliasesInput: {
      // Shifted by at most the row padding, so the view stays in q's memory.
      const int64_t shift = static_cast<int64_t>(choice) % (call.options.row_padding + 1);
      arguments.out = arguments.q;
      arguments.out.data = static_cast<float *>(arguments.q.data) + shift;
      break;
    }
    case Breakage::OutStrideZero: arguments.out.strides[2] = 0; break;
    case Breakage::OutRowsOverlap:
      // Row i + 1 starts 1 to Dv - 1 elements after row i.
      arguments.out.strides[2] = 1 + static_cast<int64_t>(choice) % (shape.value_dim - 1);
      break;
    case Breakage::NegativeStride: {
      TensorView &view = *nth(choice, {&arguments.q, &arguments.k, &arguments.v, &arguments.out});
      const int dim = static_cast<int>(choice / 4 % 4);
      // Start at the far end, so the view walked backwards is still real memory.
      view.data = static_cast<float *>(view.data) + (view.shape[dim] - 1) * view.strides[dim];
      view.strides[dim] = -view.strides[dim];
      if (view.strides[dim] == 0) view.strides[dim] = -1;
      break;
    }
    case Breakage::UnknownTensor:
      arguments.tensors[nth<const char *>(choice, {"kv_lens", "mask", "scale"})] =
          TensorView::contiguous(buffer(shape.batch), DType::I32, {shape.batch});
      break;
    case Breakage::CoreTensorInExtras:
      arguments.tensors[nth<const char *>(choice, {"q", "k", "v", "out"})] = arguments.q;
      break;
    case Breakage::MissingTensor: (choice % 2 ? arguments.k : arguments.v).data = nullptr; break;
    case Breakage::WrongRank:
      // Drop the batch dimension: [Hq, Nq, D].
      arguments.q.rank = 3;
      for (int dim = 0; dim < 3; ++dim) {
        arguments.q.shape[dim] = arguments.q.shape[dim + 1];
        arguments.q.strides[dim] = arguments.q.strides[dim + 1];
      }
      break;
    case Breakage::EmptyDimension: arguments.q.shape[2] = 0; break;
    case Breakage::QueriesNotF32: arguments.q.dtype = DType::F16; break;
    case Breakage::QueriesOnCuda: arguments.q.device = Device::CUDA; break;
    default: break;
  }
}

} // namespace

const char *to_string(Breakage breakage) {
  switch (breakage) {
    case Breakage::None: return "none";
    case Breakage::EpsOutOfRange: return "eps out of range";
    case Breakage::FeatureMapUnknown: return "unknown feature_map";
    case Breakage::CausalNotBoolean: return "causal not 0 or 1";
    case Breakage::SoftmaxCausal: return "softmax with causal";
    case Breakage::KeyLengthOutOfRange: return "kv_len value out of range";
    case Breakage::KeyLengthWrongShape: return "kv_len of B + 1 entries";
    case Breakage::KeyMaskWrongShape: return "key_mask of the wrong shape";
    case Breakage::KeyMaskWrongDtype: return "key_mask of i32";
    case Breakage::HeadsUneven: return "Hq not a multiple of Hkv";
    case Breakage::HeadDimMismatch: return "k's D differs from q's";
    case Breakage::KeyCountMismatch: return "v's Nk differs from k's";
    case Breakage::OutAliasesInput: return "out aliases q";
    case Breakage::OutStrideZero: return "out's Nq stride 0";
    case Breakage::OutRowsOverlap: return "out's rows overlap";
    case Breakage::NegativeStride: return "a negative stride";
    case Breakage::UnknownParam: return "an unknown parameter";
    case Breakage::UnknownTensor: return "an unknown tensor";
    case Breakage::CoreTensorInExtras: return "q, k, v or out in Arguments::tensors";
    case Breakage::MissingTensor: return "k or v without data";
    case Breakage::WrongRank: return "q of rank 3";
    case Breakage::EmptyDimension: return "Nq = 0";
    case Breakage::QueriesNotF32: return "q of f16";
    case Breakage::QueriesOnCuda: return "q on CUDA";
    case Breakage::Count: break;
  }
  return "?";
}

ExpectedError LinearCall::expected_error() const {
  using enum ErrorCategory;
  switch (breakage) {
    case Breakage::EpsOutOfRange: return {InvalidArgument, "parameter 'eps'"};
    case Breakage::FeatureMapUnknown: return {InvalidArgument, "parameter 'feature_map'"};
    case Breakage::CausalNotBoolean: return {InvalidArgument, "parameter 'causal'"};
    case Breakage::SoftmaxCausal: return {Unsupported, "parameter 'feature_map'"};
    case Breakage::KeyLengthOutOfRange:
    case Breakage::KeyLengthWrongShape: return {InvalidArgument, "argument 'kv_len'"};
    case Breakage::KeyMaskWrongShape:
    case Breakage::KeyMaskWrongDtype: return {InvalidArgument, "argument 'key_mask'"};
    case Breakage::HeadsUneven: return {InvalidArgument, "must be a multiple of Hkv"};
    case Breakage::HeadDimMismatch: return {InvalidArgument, "argument 'k'"};
    case Breakage::KeyCountMismatch: return {InvalidArgument, "argument 'v'"};
    case Breakage::OutAliasesInput: return {InvalidArgument, "overlaps the memory of argument 'q'"};
    case Breakage::OutStrideZero: return {InvalidArgument, "stride 0"};
    case Breakage::OutRowsOverlap: return {InvalidArgument, "could share memory"};
    case Breakage::NegativeStride: return {InvalidArgument, "negative strides are not supported"};
    case Breakage::UnknownParam: return {InvalidArgument, "unknown parameter"};
    case Breakage::UnknownTensor: return {InvalidArgument, "unknown tensor argument"};
    case Breakage::CoreTensorInExtras: return {InvalidArgument, "not in Arguments::tensors"};
    case Breakage::MissingTensor: return {InvalidArgument, "missing required argument"};
    case Breakage::WrongRank: return {InvalidArgument, "argument 'q'"};
    case Breakage::EmptyDimension: return {InvalidArgument, "must be at least 1"};
    case Breakage::QueriesNotF32: return {Unsupported, "q is f16"};
    case Breakage::QueriesOnCuda: return {Unsupported, "cuda"};
    case Breakage::None:
    case Breakage::Count: break;
  }
  return {Runtime, ""};
}

std::string LinearCall::describe() const {
  std::ostringstream text;
  text << "linear " << shape.to_string() << options.to_string();
  for (const auto &[name, value] : params) text << " " << name << "=" << value;
  text << " seed=" << seed << (pinned_variant.empty() ? " dispatched" : " pinned " + pinned_variant);
  if (breakage != Breakage::None) text << ", broken: " << to_string(breakage) << " (form " << breakage_choice << ")";
  return text.str();
}

LinearCall decode_linear_call(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants) {
  LinearCall call;
  const uint64_t pick = bytes.below(2 * kBreakageCount);
  call.breakage = pick < kBreakageCount ? static_cast<Breakage>(pick) : Breakage::None;
  call.breakage_choice = bytes.below(16);

  // Mostly small and ragged; one call in sixteen is long enough to cross the
  // kernels' key tiles and causal chunks (512 keys on AVX-512).
  reference::AttentionShape &shape = call.shape;
  const bool long_sequence = bytes.chance(16);
  shape.batch = long_sequence ? 1 : bytes.between(1, 3);
  shape.kv_heads = long_sequence ? 1 : bytes.between(1, 3);
  shape.heads = shape.kv_heads * (long_sequence ? 1 : bytes.between(1, 3));
  const int64_t most = long_sequence ? 1100 : 80;
  shape.queries = bytes.between(1, most);
  shape.keys = bytes.chance(3) ? shape.queries : bytes.between(1, most);
  shape.head_dim = bytes.one_of<int64_t>({64, 64, 64, 1, 2, 16, 33, 128});
  shape.value_dim = bytes.chance(2) ? shape.head_dim : bytes.one_of<int64_t>({1, 17, 64, 80});
  fit_shape_to(call.breakage, bytes, shape);

  reference::InputOptions &options = call.options;
  options.order = bytes.chance(2) ? MemoryOrder::BHND : MemoryOrder::BNHD;
  options.row_padding = bytes.chance(2) ? 0 : bytes.between(1, 3);
  if (bytes.chance(3)) {
    for (int64_t b = 0; b < shape.batch; ++b) options.kv_len.push_back(static_cast<int32_t>(bytes.between(0, shape.keys)));
  }
  if (bytes.chance(3)) options.key_mask_keep = bytes.one_of({0.0, 0.3, 0.9, 1.0});

  const int64_t feature_map = bytes.between(0, 2);
  if (feature_map != 0 || bytes.chance(2)) call.params["feature_map"] = static_cast<double>(feature_map);
  if (feature_map != 0 && bytes.chance(2)) {
    call.params["causal"] = 1;
  } else if (bytes.chance(4)) {
    call.params["causal"] = 0;
  }
  if (bytes.chance(3)) call.params["eps"] = bytes.one_of({1e-30, 1e-9, 1e-6, 1e-3, 0.5, 2.0, 1e30});
  break_call(call);

  std::vector<const VariantInfo *> fitting;
  for (const VariantInfo *variant : variants) {
    const bool head_fits = variant->head_dim == 0 || variant->head_dim == shape.head_dim;
    const bool value_fits = variant->value_dim == 0 || variant->value_dim == shape.value_dim;
    if (head_fits && value_fits) fitting.push_back(variant);
  }
  if (!fitting.empty() && bytes.chance(2)) call.pinned_variant = fitting[bytes.below(fitting.size())]->id;
  // Last, so that libFuzzer's first short inputs vary the call, not the data.
  call.seed = bytes.word();
  return call;
}

void prepare_linear_call(const LinearCall &call, PreparedCall &prepared) {
  reference::Random random(call.seed);
  prepared.inputs = reference::make_attention_inputs(call.shape, random, call.options);
  prepared.arguments = prepared.inputs.arguments(call.params);
  break_tensors(call, prepared);
}

} // namespace attnforge::fuzz
