#include "tensor_breakage.hpp"

#include <algorithm>
#include <limits>

namespace attnforge::fuzz {

BreakageNumber decode_breakage_number(FuzzBytes &bytes, int own_count) {
  return BreakageNumber{decode_breakage(bytes, breakage_numbers(own_count)), own_count};
}

std::string BreakageNumber::text(const char *own_text, uint64_t choice) const {
  if (number == 0) return "";
  return std::string(", broken: ") + (tensor() ? to_string(*tensor()) : own_text) + " (form " + std::to_string(choice) +
         ")";
}

void put_kv_len_out_of_range(std::vector<int32_t> &kv_len, const reference::AttentionShape &shape, uint64_t choice) {
  const auto keys = static_cast<int32_t>(shape.keys);
  if (kv_len.empty()) kv_len.assign(shape.batch, keys);
  kv_len[choice % kv_len.size()] =
      nth_form(choice / 2, {-1, keys + 1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
}

void fit_shape_to(TensorBreakage breakage, FuzzBytes &bytes, reference::AttentionShape &shape) {
  switch (breakage) {
    case TensorBreakage::HeadsUneven:
      shape.kv_heads = bytes.between(2, 3);
      shape.heads = shape.kv_heads * bytes.between(1, 2) + bytes.between(1, shape.kv_heads - 1);
      break;
    case TensorBreakage::HeadDimMismatch: shape.head_dim = std::max<int64_t>(shape.head_dim, 2); break;
    case TensorBreakage::KeyCountMismatch: shape.keys = std::max<int64_t>(shape.keys, 2); break;
    case TensorBreakage::OutAliasesInput: shape.value_dim = shape.head_dim; break;
    case TensorBreakage::OutStrideZero: shape.queries = std::max<int64_t>(shape.queries, 2); break;
    case TensorBreakage::OutRowsOverlap:
      shape.queries = std::max<int64_t>(shape.queries, 2);
      shape.value_dim = std::max<int64_t>(shape.value_dim, 2);
      break;
    default: break;
  }
}

void break_tensors(const BreakageNumber &breakage, uint64_t choice, FuzzedCall &call) {
  if (!breakage.tensor()) return;
  Arguments &arguments = call.arguments;
  const reference::AttentionShape &shape = call.inputs.shape;
  const int64_t row_padding = call.row_padding;
  switch (*breakage.tensor()) {
    case TensorBreakage::HeadsUneven: break;  // fit_shape_to made the shape so
    case TensorBreakage::HeadDimMismatch: arguments.k.shape[3] -= 1; break;
    case TensorBreakage::KeyCountMismatch: arguments.v.shape[2] -= 1; break;
    case TensorBreakage::OutAliasesInput: {
      // Shifted by at most the row padding, so the view stays in q's memory.
      const int64_t shift = static_cast<int64_t>(choice) % (row_padding + 1);
      arguments.out = arguments.q;
      arguments.out.data = static_cast<float *>(arguments.q.data) + shift;
      break;
    }
    case TensorBreakage::OutStrideZero: arguments.out.strides[2] = 0; break;
    case TensorBreakage::OutRowsOverlap:
      // Row i + 1 starts 1 to Dv - 1 elements after row i.
      arguments.out.strides[2] = 1 + static_cast<int64_t>(choice) % (shape.value_dim - 1);
      break;
    case TensorBreakage::NegativeStride: {
      TensorView &view = *nth_form(choice, {&arguments.q, &arguments.k, &arguments.v, &arguments.out});
      const int dim = static_cast<int>(choice / 4 % 4);
      // Start at the far end, so the view walked backwards is still real memory.
      view.data = static_cast<float *>(view.data) + (view.shape[dim] - 1) * view.strides[dim];
      view.strides[dim] = -view.strides[dim];
      if (view.strides[dim] == 0) view.strides[dim] = -1;
      break;
    }
    case TensorBreakage::UnknownTensor:
      arguments.tensors[nth_form<const char *>(choice, {"kv_lens", "mask", "scale"})] =
          TensorView::contiguous(call.storage.emplace_back(shape.batch, 1).data(), DType::I32, {shape.batch});
      break;
    case TensorBreakage::CoreTensorInExtras:
      arguments.tensors[nth_form<const char *>(choice, {"q", "k", "v", "out"})] = arguments.q;
      break;
    case TensorBreakage::MissingTensor: (choice % 2 ? arguments.k : arguments.v).data = nullptr; break;
    case TensorBreakage::WrongRank:
      // Drop the batch dimension: [Hq, Nq, D].
      arguments.q.rank = 3;
      for (int dim = 0; dim < 3; ++dim) {
        arguments.q.shape[dim] = arguments.q.shape[dim + 1];
        arguments.q.strides[dim] = arguments.q.strides[dim + 1];
      }
      break;
    case TensorBreakage::EmptyDimension: arguments.q.shape[2] = 0; break;
    case TensorBreakage::QueriesNotF32: arguments.q.dtype = DType::F16; break;
    case TensorBreakage::QueriesOnCuda: arguments.q.device = Device::CUDA; break;
    case TensorBreakage::Count: break;
  }
}

ExpectedError expected_error(TensorBreakage breakage) {
  using enum ErrorCategory;
  switch (breakage) {
    case TensorBreakage::HeadsUneven: return {InvalidArgument, "must be a multiple of Hkv"};
    case TensorBreakage::HeadDimMismatch: return {InvalidArgument, "argument 'k'"};
    case TensorBreakage::KeyCountMismatch: return {InvalidArgument, "argument 'v'"};
    case TensorBreakage::OutAliasesInput: return {InvalidArgument, "overlaps the memory of argument 'q'"};
    case TensorBreakage::OutStrideZero: return {InvalidArgument, "stride 0"};
    case TensorBreakage::OutRowsOverlap: return {InvalidArgument, "could share memory"};
    case TensorBreakage::NegativeStride: return {InvalidArgument, "negative strides are not supported"};
    case TensorBreakage::UnknownTensor: return {InvalidArgument, "unknown tensor argument"};
    case TensorBreakage::CoreTensorInExtras: return {InvalidArgument, "not in Arguments::tensors"};
    case TensorBreakage::MissingTensor: return {InvalidArgument, "missing required argument"};
    case TensorBreakage::WrongRank: return {InvalidArgument, "argument 'q'"};
    case TensorBreakage::EmptyDimension: return {InvalidArgument, "must be at least 1"};
    case TensorBreakage::QueriesNotF32: return {Unsupported, "q is f16"};
    case TensorBreakage::QueriesOnCuda: return {Unsupported, "cuda"};
    case TensorBreakage::Count: break;
  }
  return {Runtime, ""};
}

const char *to_string(TensorBreakage breakage) {
  switch (breakage) {
    case TensorBreakage::HeadsUneven: return "Hq not a multiple of Hkv";
    case TensorBreakage::HeadDimMismatch: return "k's D differs from q's";
    case TensorBreakage::KeyCountMismatch: return "v's Nk differs from k's";
    case TensorBreakage::OutAliasesInput: return "out aliases q";
    case TensorBreakage::OutStrideZero: return "out's Nq stride 0";
    case TensorBreakage::OutRowsOverlap: return "out's rows overlap";
    case TensorBreakage::NegativeStride: return "a negative stride";
    case TensorBreakage::UnknownTensor: return "an unknown tensor";
    case TensorBreakage::CoreTensorInExtras: return "q, k, v or out in Arguments::tensors";
    case TensorBreakage::MissingTensor: return "k or v without data";
    case TensorBreakage::WrongRank: return "q of rank 3";
    case TensorBreakage::EmptyDimension: return "Nq = 0";
    case TensorBreakage::QueriesNotF32: return "q of f16";
    case TensorBreakage::QueriesOnCuda: return "q on CUDA";
    case TensorBreakage::Count: break;
  }
  return "?";
}

} // namespace attnforge::fuzz
