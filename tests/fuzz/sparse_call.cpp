#include "sparse_call.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "attnforge/block_layout.hpp"
#include "fuzz_bytes.hpp"
#include "tensor_breakage.hpp"
#include "sparse_case.hpp"

namespace attnforge::fuzz {
namespace {

using testing::ExplicitLayout;
using testing::SparseCase;
using testing::blocks_of;

enum class LayoutKind { None, Built, Random };

struct SparseCall {
  BreakageNumber breakage;
  uint64_t choice = 0;             // which form of the breakage
  SparseCase sparse_case;          // shape, pattern, scale, kv_len, layout, block_size: the reference's view
  int64_t row_padding = 0;         // the one input option SparseCase does not hold
  std::map<std::string, double> params;
  LayoutKind layout_kind = LayoutKind::None;
  int64_t layout_block_size = 64;  // the layout's rows follow it (not the call's, for LayoutForOtherBlockSize)
  std::string broken_param;        // PatternOutOfRange's parameter
  std::string pinned_variant;
  uint64_t seed = 0;               // of q, k, v and of a random layout

  int64_t block_size() const { return sparse_case.block_size.value_or(testing::kDefaultBlockSize); }
  SparseBreakage own_breakage() const { return static_cast<SparseBreakage>(breakage.own()); }
  bool layout_breakage() const {
    return own_breakage() >= SparseBreakage::IndexOutOfRange && own_breakage() <= SparseBreakage::OnlyFull;
  }
};

bool needs_two_key_blocks(SparseBreakage breakage) {
  return breakage == SparseBreakage::IndicesNotAscending || breakage == SparseBreakage::DuplicateIndex;
}

void decode_shape(FuzzBytes &bytes, SparseCall &call) {
  reference::AttentionShape &shape = call.sparse_case.shape;
  shape.batch = bytes.between(1, 2);
  shape.kv_heads = bytes.between(1, 2);
  shape.heads = shape.kv_heads * bytes.between(1, 2);
  shape.queries = bytes.between(1, 300);
  shape.keys = bytes.chance(3) ? shape.queries : bytes.between(1, 300);
  shape.head_dim = bytes.one_of<int64_t>({64, 64, 16, 33, 128});
  shape.value_dim = bytes.chance(2) ? shape.head_dim : bytes.one_of<int64_t>({16, 80});
  if (needs_two_key_blocks(call.own_breakage())) shape.keys = std::max<int64_t>(shape.keys, 257);
  if (call.own_breakage() == SparseBreakage::LayoutForOtherBlockSize) shape.queries = std::max<int64_t>(shape.queries, 65);
}

void decode_pattern(FuzzBytes &bytes, SparseCall &call) {
  SparsePattern &pattern = call.sparse_case.pattern;
  pattern.window_left = bytes.chance(2) ? bytes.between(0, 100) : -1;
  pattern.window_right = bytes.chance(3) ? bytes.between(0, 100) : -1;
  if (bytes.chance(3)) pattern.stride = bytes.one_of<int64_t>({1, 2, 3, 5, 8, 13, 64, 400});
  pattern.stride_one_sided = pattern.stride > 0 && bytes.chance(2);
  if (bytes.chance(4)) pattern.num_global = bytes.between(1, 5);
  pattern.causal = bytes.chance(2);
  if (bytes.chance(3)) call.sparse_case.scale = bytes.one_of({0.05, 0.125, 0.5, 2.0});
}

// The pattern's own layout for the call's block size, thinned and with its
// full flags redrawn as the bytes say: still a valid layout.
ExplicitLayout edited_built_layout(FuzzBytes &bytes, const SparseCall &call) {
  const reference::AttentionShape &shape = call.sparse_case.shape;
  const BlockLayout built = build_block_layout(call.sparse_case.pattern, shape.queries, shape.keys,
                                               call.layout_block_size);
  ExplicitLayout layout{built.counts, built.max_blocks, built.indices, built.full};
  reference::Random random(call.seed ^ 0x5eed);
  if (bytes.chance(2)) {  // drop about a quarter of the listed blocks
    for (size_t row = 0; row < layout.counts.size(); ++row) {
      int32_t kept = 0;
      for (int32_t slot = 0; slot < layout.counts[row]; ++slot) {
        if (random.integer(0, 3) == 0) continue;
        const size_t from = row * layout.max_blocks + slot, to = row * layout.max_blocks + kept++;
        layout.indices[to] = layout.indices[from];
        layout.full[to] = layout.full[from];
      }
      layout.counts[row] = kept;
    }
  }
  if (bytes.chance(3)) {
    for (uint8_t &flag : layout.full) flag = static_cast<uint8_t>(random.integer(0, 1));
  }
  if (bytes.chance(4)) layout.full.clear();
  return layout;
}

// Ascending random rows, with garbage in every slot past a row's count.
ExplicitLayout random_layout(FuzzBytes &bytes, const SparseCall &call) {
  const reference::AttentionShape &shape = call.sparse_case.shape;
  const int64_t rows = blocks_of(shape.queries, call.layout_block_size);
  const int64_t key_blocks = blocks_of(shape.keys, call.layout_block_size);
  reference::Random random(call.seed ^ 0x1a70);
  ExplicitLayout layout;
  layout.max_blocks = bytes.between(1, key_blocks + 1);
  layout.indices.resize(rows * layout.max_blocks);
  layout.full.resize(rows * layout.max_blocks);
  for (int64_t row = 0; row < rows; ++row) {
    int32_t count = 0;
    for (int32_t block = 0; block < key_blocks && count < layout.max_blocks; ++block) {
      if (random.integer(0, 1) == 0) layout.indices[row * layout.max_blocks + count++] = block;
    }
    layout.counts.push_back(count);
    for (int64_t slot = 0; slot < layout.max_blocks; ++slot) {
      if (slot >= count) layout.indices[row * layout.max_blocks + slot] = static_cast<int32_t>(random.integer(-3, key_blocks + 3));
      layout.full[row * layout.max_blocks + slot] = static_cast<uint8_t>(random.integer(0, 255));
    }
  }
  if (bytes.chance(3)) layout.full.clear();
  return layout;
}

// Gives the layout at least `slots` slots per row, keeping every row.
void widen(ExplicitLayout &layout, int64_t slots) {
  if (layout.max_blocks >= slots) return;
  const int64_t rows = static_cast<int64_t>(layout.counts.size());
  std::vector<int32_t> indices(rows * slots, 0);
  std::vector<uint8_t> full(layout.full.empty() ? 0 : rows * slots, 0);
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t slot = 0; slot < layout.max_blocks; ++slot) {
      indices[row * slots + slot] = layout.indices[row * layout.max_blocks + slot];
      if (!full.empty()) full[row * slots + slot] = layout.full[row * layout.max_blocks + slot];
    }
  }
  layout.indices = std::move(indices);
  layout.full = std::move(full);
  layout.max_blocks = slots;
}

void set_row(ExplicitLayout &layout, int64_t row, std::initializer_list<int32_t> blocks) {
  widen(layout, static_cast<int64_t>(blocks.size()));
  layout.counts[row] = static_cast<int32_t>(blocks.size());
  std::copy(blocks.begin(), blocks.end(), layout.indices.begin() + row * layout.max_blocks);
}

void break_layout(SparseCall &call, ExplicitLayout &layout) {
  const uint64_t choice = call.choice;
  const int64_t row = static_cast<int64_t>(choice % layout.counts.size());
  const auto key_blocks = static_cast<int32_t>(blocks_of(call.sparse_case.shape.keys, call.layout_block_size));
  switch (call.own_breakage()) {
    case SparseBreakage::IndexOutOfRange:
      set_row(layout, row, {nth_form(choice / 2, {key_blocks, key_blocks + 1, -1, std::numeric_limits<int32_t>::min()})});
      break;
    case SparseBreakage::IndicesNotAscending: set_row(layout, row, {1, 0}); break;
    case SparseBreakage::DuplicateIndex: set_row(layout, row, {0, 0}); break;
    case SparseBreakage::CountOutOfRange:
      layout.counts[row] = nth_form(choice / 2, {static_cast<int32_t>(layout.max_blocks) + 1, -1,
                                                 std::numeric_limits<int32_t>::max()});
      break;
    case SparseBreakage::LayoutRowsWrong:
      layout.counts.push_back(0);
      layout.indices.resize(layout.counts.size() * layout.max_blocks, 0);
      if (!layout.full.empty()) layout.full.resize(layout.indices.size(), 0);
      break;
    case SparseBreakage::FullWrongShape:  // room for one slot more per row than block_index has
      layout.full.assign(layout.counts.size() * (layout.max_blocks + 1), 1);
      break;
    case SparseBreakage::OnlyFull:
      if (layout.full.empty()) layout.full.assign(layout.indices.size(), 1);
      break;
    default: break;
  }
}

void break_params(SparseCall &call) {
  const uint64_t choice = call.choice;
  std::map<std::string, double> &params = call.params;
  switch (call.own_breakage()) {
    case SparseBreakage::PatternOutOfRange: {
      const std::pair<const char *, double> broken = nth_form<std::pair<const char *, double>>(
          choice, {{"window_left", -2}, {"window_right", 0.5}, {"stride", -1}, {"num_global", -3},
                   {"stride_one_sided", 2}, {"causal", 0.5}, {"window_left", kInf}});
      call.broken_param = broken.first;
      params[broken.first] = broken.second;
      break;
    }
    case SparseBreakage::ScaleOutOfRange: params["scale"] = nth_form(choice, {0.0, -0.125, kNaN, kInf, 1e31}); break;
    case SparseBreakage::BlockSizeNotBuilt: params["block_size"] = nth_form(choice, {96.0, 32.0, 0.0, 256.0}); break;
    default: break;
  }
}

SparseCall decode_sparse_call(FuzzBytes &bytes, const std::vector<const VariantInfo *> &variants) {
  SparseCall call;
  call.breakage = decode_breakage_number(bytes, kSparseBreakageCount);
  call.choice = bytes.below(16);
  decode_shape(bytes, call);
  if (call.breakage.tensor()) fit_shape_to(*call.breakage.tensor(), bytes, call.sparse_case.shape);
  SparseCase &sparse_case = call.sparse_case;

  sparse_case.order = bytes.chance(2) ? reference::MemoryOrder::BHND : reference::MemoryOrder::BNHD;
  call.row_padding = bytes.chance(2) ? 0 : bytes.between(1, 3);
  if (bytes.chance(3)) {
    for (int64_t b = 0; b < sparse_case.shape.batch; ++b) {
      sparse_case.kv_len.push_back(static_cast<int32_t>(bytes.between(0, sparse_case.shape.keys)));
    }
  }
  if (const int64_t size = bytes.between(0, 2); size > 0) sparse_case.block_size = size == 1 ? 64 : 128;
  decode_pattern(bytes, call);

  call.layout_kind = static_cast<LayoutKind>(bytes.below(3));
  if (call.layout_breakage() && call.layout_kind == LayoutKind::None) call.layout_kind = LayoutKind::Random;
  if (call.own_breakage() == SparseBreakage::NoPatternNoLayout) {
    sparse_case.pattern = SparsePattern{.causal = sparse_case.pattern.causal};
    call.layout_kind = LayoutKind::None;
  } else if (call.layout_kind == LayoutKind::None && !sparse_case.pattern.any_part()) {
    sparse_case.pattern.window_left = bytes.between(0, 100);
  }
  call.layout_block_size = call.block_size();
  if (call.own_breakage() == SparseBreakage::LayoutForOtherBlockSize) {
    call.layout_block_size = call.block_size() == 64 ? 128 : 64;
  }

  // A call sets block_size when it has a layout (params_of), and without one
  // fits every variant.
  const bool sets_block_size = sparse_case.block_size || call.layout_kind != LayoutKind::None;
  call.pinned_variant = decode_pinned_variant(bytes, variants, sparse_case.shape, [&](const VariantInfo &variant) {
    for (const ParamInfo &param : variant.params) {
      if (param.name == "block_size" && sets_block_size) return param.min_value == call.block_size();
    }
    return true;
  });
  // Late (only the layout's few edits follow), so that libFuzzer's first
  // short inputs vary the call rather than the data.
  call.seed = bytes.word();

  if (call.layout_kind != LayoutKind::None) {
    ExplicitLayout layout = call.layout_kind == LayoutKind::Built ? edited_built_layout(bytes, call)
                                                                  : random_layout(bytes, call);
    break_layout(call, layout);
    sparse_case.layout = std::move(layout);
  }
  call.params = testing::params_of(sparse_case);
  break_params(call);
  return call;
}

std::string describe(const SparseCall &call) {
  std::ostringstream text;
  text << "sparse " << call.sparse_case.describe();  // which names kv_len and the order itself
  if (call.row_padding) text << " row_padding=" << call.row_padding;
  if (call.layout_kind != LayoutKind::None) {
    const ExplicitLayout &layout = *call.sparse_case.layout;
    text << (call.layout_kind == LayoutKind::Built ? " (built, edited:" : " (random:") << " Mb=" << layout.max_blocks
         << (layout.full.empty() ? ", no block_full)" : ")");
  }
  text << " seed=" << call.seed << (call.pinned_variant.empty() ? " dispatched" : " pinned " + call.pinned_variant);
  text << call.breakage.text(to_string(call.own_breakage()), call.choice);
  return text.str();
}

ExpectedError expected_error(const SparseCall &call) {
  using enum ErrorCategory;
  if (call.breakage.tensor()) return expected_error(*call.breakage.tensor());
  switch (call.own_breakage()) {
    case SparseBreakage::IndexOutOfRange: return {InvalidArgument, "expected a key block in [0, Nkb"};
    case SparseBreakage::IndicesNotAscending: return {InvalidArgument, "must be in ascending order"};
    case SparseBreakage::DuplicateIndex: return {InvalidArgument, "a duplicate of the element before it"};
    case SparseBreakage::CountOutOfRange: return {InvalidArgument, "argument 'block_count': element"};
    case SparseBreakage::LayoutRowsWrong:
    case SparseBreakage::LayoutForOtherBlockSize: return {InvalidArgument, "argument 'block_count': expected shape"};
    case SparseBreakage::FullWrongShape: return {InvalidArgument, "argument 'block_full'"};
    case SparseBreakage::IndexWrongDtype: return {InvalidArgument, "argument 'block_index': expected dtype i32"};
    case SparseBreakage::OnlyCount: return {InvalidArgument, "only block_count"};
    case SparseBreakage::OnlyFull: return {InvalidArgument, "neither"};
    case SparseBreakage::PatternOutOfRange: return {InvalidArgument, "parameter '" + call.broken_param + "'"};
    case SparseBreakage::ScaleOutOfRange: return {InvalidArgument, "parameter 'scale'"};
    case SparseBreakage::NoPatternNoLayout: return {InvalidArgument, "no pattern part is enabled"};
    case SparseBreakage::BlockSizeNotBuilt:
      // A pinned variant checks the value it is built for; the dispatcher
      // finds no variant built for it.
      return call.pinned_variant.empty() ? ExpectedError{Unsupported, "block_size"}
                                         : ExpectedError{InvalidArgument, "parameter 'block_size'"};
    case SparseBreakage::None:
    case SparseBreakage::Count: break;
  }
  return {Runtime, ""};
}

// The layout's tensors as arguments, then the breakages that live in the
// views rather than in the layout's values.
void add_layout(const SparseCall &call, Arguments &arguments) {
  if (!call.sparse_case.layout) return;
  const ExplicitLayout &layout = *call.sparse_case.layout;
  const auto rows = static_cast<int64_t>(layout.counts.size());
  testing::add_layout_arguments(layout, rows, arguments.tensors);
  switch (call.own_breakage()) {
    case SparseBreakage::FullWrongShape:
      arguments.tensors["block_full"] =
          TensorView::contiguous(const_cast<uint8_t *>(layout.full.data()), DType::U8, {rows, layout.max_blocks + 1});
      break;
    case SparseBreakage::IndexWrongDtype: arguments.tensors["block_index"].dtype = DType::F32; break;
    case SparseBreakage::OnlyCount: arguments.tensors.erase("block_index"); break;
    case SparseBreakage::OnlyFull:
      arguments.tensors.erase("block_count");
      arguments.tensors.erase("block_index");
      break;
    default: break;
  }
}

} // namespace

const char *to_string(SparseBreakage breakage) {
  switch (breakage) {
    case SparseBreakage::None: return "none";
    case SparseBreakage::IndexOutOfRange: return "a listed key block out of range";
    case SparseBreakage::IndicesNotAscending: return "a row not ascending";
    case SparseBreakage::DuplicateIndex: return "a row listing a block twice";
    case SparseBreakage::CountOutOfRange: return "a block_count out of [0, Mb]";
    case SparseBreakage::LayoutRowsWrong: return "a layout of Nqb + 1 rows";
    case SparseBreakage::LayoutForOtherBlockSize: return "a layout made for the other block size";
    case SparseBreakage::FullWrongShape: return "block_full shaped unlike block_index";
    case SparseBreakage::IndexWrongDtype: return "block_index of f32";
    case SparseBreakage::OnlyCount: return "block_count without block_index";
    case SparseBreakage::OnlyFull: return "block_full alone";
    case SparseBreakage::PatternOutOfRange: return "a pattern parameter out of range";
    case SparseBreakage::ScaleOutOfRange: return "scale out of range";
    case SparseBreakage::NoPatternNoLayout: return "no pattern part and no layout";
    case SparseBreakage::BlockSizeNotBuilt: return "a block_size no variant is built for";
    case SparseBreakage::Count: break;
  }
  return "?";
}

FuzzedCall fuzzed_sparse_call(const Registry &registry, std::span<const uint8_t> data) {
  FuzzBytes bytes(data);
  // Shared: the arguments point into its layout, which the reference reads too.
  const auto call = std::make_shared<const SparseCall>(decode_sparse_call(bytes, usable_variants_of(registry, "sparse")));
  FuzzedCall fuzzed;
  fuzzed.kernel = "sparse";
  fuzzed.pinned_variant = call->pinned_variant;
  fuzzed.description = describe(*call);
  fuzzed.breakage = call->breakage.number;
  fuzzed.expected = expected_error(*call);
  reference::InputOptions options = call->sparse_case.input_options();
  options.row_padding = call->row_padding;
  draw_inputs(fuzzed, call->sparse_case.shape, options, call->seed, call->params);
  add_layout(*call, fuzzed.arguments);
  break_tensors(call->breakage, call->choice, fuzzed);
  fuzzed.reference = [call](const reference::AttentionInputs &inputs) {
    return testing::sparse_reference(call->sparse_case, inputs);
  };
  return fuzzed;
}

} // namespace attnforge::fuzz
