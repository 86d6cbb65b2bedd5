// Pattern → block membership, and the checks on a caller's layout. This file
// is also compiled into the sparse plugin (which shares only the C ABI with
// libattnforge), so it uses nothing of libattnforge beyond inline headers.
#include "attnforge/block_layout.hpp"

#include <algorithm>
#include <string>

#include "attnforge/error.hpp"

namespace attnforge {
namespace {

[[noreturn]] void invalid(const std::string &message) {
  throw Error(ErrorCategory::InvalidArgument, "sparse: " + message);
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Smallest multiple of m (> 0) that is ≥ x, for any sign of x.
int64_t next_multiple(int64_t x, int64_t m) {
  const int64_t remainder = ((x % m) + m) % m;
  return remainder == 0 ? x : x + (m - remainder);
}

// One block: query positions [p0, p1] (already aligned bottom-right) and keys [j0, j1].
struct BlockRange {
  int64_t p0, p1, j0, j1;
  int64_t distance_min() const { return p0 - j1; }
  int64_t distance_max() const { return p1 - j0; }
};

// Whether some pair of the block is allowed (pattern ∩ causal). Every δ in
// [distance_min, distance_max] occurs in the block, so each part reduces to
// an interval test; the union exists where one part does.
bool any_allowed(const SparsePattern &pattern, const BlockRange &block, StridedPairs strided) {
  const int64_t causal_floor = pattern.causal ? 0 : INT64_MIN;
  const int64_t low = std::max(block.distance_min(), causal_floor);
  const int64_t high = block.distance_max();
  if (low > high) return false; // causal hides the whole block
  if (!pattern.any_part()) return true;
  if (pattern.has_window()) {
    const int64_t left = std::max<int64_t>(pattern.window_left, 0);
    const int64_t right = std::max<int64_t>(pattern.window_right, 0);
    if (std::max(low, -right) <= std::min(high, left)) return true;
  }
  if (pattern.stride > 0 && strided == StridedPairs::InBlocks) {
    const int64_t from = pattern.stride_one_sided ? std::max<int64_t>(low, 0) : low;
    if (from <= high && next_multiple(from, pattern.stride) <= high) return true;
  }
  if (pattern.num_global > 0) {
    // Global keys j < G: the block's first key is one, seen by the last query
    // when causal allows it.
    if (block.j0 < pattern.num_global && (!pattern.causal || block.p1 >= block.j0)) return true;
    // Global queries p < G: the lowest such query row sees some key of the block.
    if (block.p0 < pattern.num_global &&
        (!pattern.causal || std::min(block.p1, pattern.num_global - 1) >= block.j0)) {
      return true;
    }
  }
  return false;
}

// Whether one part alone allows every pair of the block (causal aside: the
// kernel applies causal and kv_len in full blocks too). Conservative: a block
// covered only by a union of parts is not flagged, and then simply masked.
bool all_allowed(const SparsePattern &pattern, const BlockRange &block, StridedPairs strided) {
  if (!pattern.any_part()) return true;
  const int64_t low = block.distance_min(), high = block.distance_max();
  if (pattern.has_window() && low >= -std::max<int64_t>(pattern.window_right, 0) &&
      high <= std::max<int64_t>(pattern.window_left, 0)) {
    return true;
  }
  if (pattern.stride == 1 && strided == StridedPairs::InBlocks && (!pattern.stride_one_sided || low >= 0)) {
    return true;
  }
  if (pattern.num_global > 0 && (block.j1 < pattern.num_global || block.p1 < pattern.num_global)) return true;
  return false;
}

void require_view(const TensorView &view, const char *name, DType dtype, int rank, const int64_t *shape,
                  const char *shape_names) {
  if (view.device != Device::CPU) invalid(std::string("argument '") + name + "': expected a host (cpu) tensor");
  if (view.dtype != dtype) {
    invalid(std::string("argument '") + name + "': expected dtype " + to_string(dtype) + ", got " +
            to_string(view.dtype));
  }
  bool fits = view.rank == rank;
  for (int dim = 0; fits && dim < rank; ++dim) fits = shape[dim] < 0 || view.shape[dim] == shape[dim];
  if (!fits) {
    std::string expected = "[";
    for (int dim = 0; dim < rank; ++dim) {
      expected += (dim ? ", " : "") + (shape[dim] < 0 ? std::string("Mb") : std::to_string(shape[dim]));
    }
    invalid(std::string("argument '") + name + "': expected shape " + shape_names + " = " + expected + "], got " +
            view.shape_string());
  }
}

int32_t load_i32(const TensorView &view, int64_t row, int64_t column = 0) {
  const int64_t offset = row * view.strides[0] + (view.rank > 1 ? column * view.strides[1] : 0);
  return static_cast<const int32_t *>(view.data)[offset];
}

TensorView view_of(const void *data, DType dtype, int64_t rows, int64_t columns, int rank) {
  TensorView view;
  view.data = const_cast<void *>(data);
  view.dtype = dtype;
  view.rank = rank;
  view.shape = {rows, columns, 0, 0};
  view.strides = {rank == 1 ? 1 : columns, 1, 0, 0};
  if (rank == 1) view.shape[1] = 0;
  return view;
}

} // namespace

bool SparsePattern::allows(int64_t i, int64_t j, int64_t queries, int64_t keys) const {
  const int64_t position = i + keys - queries;
  const BlockRange pair{position, position, j, j};
  return any_allowed(*this, pair, StridedPairs::InBlocks);
}

int64_t BlockLayout::visited_blocks() const {
  int64_t total = 0;
  for (int32_t count : counts) total += count;
  return total;
}

double BlockLayout::density() const {
  const double all = static_cast<double>(query_blocks()) * static_cast<double>(key_blocks());
  return all > 0 ? static_cast<double>(visited_blocks()) / all : 0.0;
}

TensorView BlockLayout::count_view() const { return view_of(counts.data(), DType::I32, query_blocks(), 0, 1); }
TensorView BlockLayout::index_view() const {
  return view_of(indices.data(), DType::I32, query_blocks(), max_blocks, 2);
}
TensorView BlockLayout::full_view() const { return view_of(full.data(), DType::U8, query_blocks(), max_blocks, 2); }

BlockLayout build_block_layout(const SparsePattern &pattern, int64_t queries, int64_t keys, int64_t block_size,
                               StridedPairs strided) {
  if (block_size < 1) invalid("block size must be at least 1, got " + std::to_string(block_size));
  if (queries < 1 || keys < 1) {
    invalid("Nq and Nk must be at least 1, got Nq = " + std::to_string(queries) + ", Nk = " + std::to_string(keys));
  }
  if (pattern.window_left < -1 || pattern.window_right < -1) {
    invalid("parameters 'window_left' and 'window_right' must be -1 (off) or >= 0");
  }
  if (pattern.stride < 0) invalid("parameter 'stride' must be >= 0 (0: off), got " + std::to_string(pattern.stride));
  if (pattern.num_global < 0) invalid("parameter 'num_global' must be >= 0, got " + std::to_string(pattern.num_global));

  BlockLayout layout;
  layout.block_size = block_size;
  layout.queries = queries;
  layout.keys = keys;
  const int64_t query_blocks = ceil_div(queries, block_size);
  const int64_t key_blocks = ceil_div(keys, block_size);
  const int64_t offset = keys - queries;
  std::vector<std::vector<std::pair<int32_t, uint8_t>>> rows(static_cast<size_t>(query_blocks));
  for (int64_t qb = 0; qb < query_blocks; ++qb) {
    const int64_t i0 = qb * block_size, i1 = std::min(queries, i0 + block_size) - 1;
    for (int64_t kb = 0; kb < key_blocks; ++kb) {
      const int64_t j0 = kb * block_size, j1 = std::min(keys, j0 + block_size) - 1;
      const BlockRange block{i0 + offset, i1 + offset, j0, j1};
      if (!any_allowed(pattern, block, strided)) continue;
      rows[qb].emplace_back(static_cast<int32_t>(kb), all_allowed(pattern, block, strided) ? 1 : 0);
    }
    layout.max_blocks = std::max<int64_t>(layout.max_blocks, static_cast<int64_t>(rows[qb].size()));
  }
  layout.counts.assign(static_cast<size_t>(query_blocks), 0);
  layout.indices.assign(static_cast<size_t>(query_blocks * layout.max_blocks), 0);
  layout.full.assign(static_cast<size_t>(query_blocks * layout.max_blocks), 0);
  for (int64_t qb = 0; qb < query_blocks; ++qb) {
    layout.counts[qb] = static_cast<int32_t>(rows[qb].size());
    for (size_t slot = 0; slot < rows[qb].size(); ++slot) {
      layout.indices[qb * layout.max_blocks + slot] = rows[qb][slot].first;
      layout.full[qb * layout.max_blocks + slot] = rows[qb][slot].second;
    }
  }
  return layout;
}

void validate_block_layout(const TensorView &block_count, const TensorView &block_index,
                           const TensorView &block_full, int64_t queries, int64_t keys, int64_t block_size) {
  if (block_size < 1) invalid("block size must be at least 1, got " + std::to_string(block_size));
  if (!block_count.present() || !block_index.present()) {
    invalid("a block layout needs both 'block_count' and 'block_index' (got " +
            std::string(block_count.present() ? "only block_count" : block_index.present() ? "only block_index"
                                                                                          : "neither") +
            ")");
  }
  const int64_t query_blocks = ceil_div(queries, block_size);
  const int64_t key_blocks = ceil_div(keys, block_size);
  // The block size in the message: a layout built for another block size is
  // the likely mistake when Nqb is off.
  const std::string query_blocks_name = "[Nqb = ceil(Nq / block_size " + std::to_string(block_size) + ")";
  const int64_t count_shape[1] = {query_blocks};
  require_view(block_count, "block_count", DType::I32, 1, count_shape, query_blocks_name.c_str());
  const int64_t index_shape[2] = {query_blocks, -1};
  require_view(block_index, "block_index", DType::I32, 2, index_shape, (query_blocks_name + ", Mb").c_str());
  const int64_t slots = block_index.shape[1];
  if (block_full.present()) {
    const int64_t full_shape[2] = {query_blocks, slots};
    require_view(block_full, "block_full", DType::U8, 2, full_shape, "[Nqb, Mb] (as block_index)");
  }
  for (int64_t qb = 0; qb < query_blocks; ++qb) {
    const int32_t count = load_i32(block_count, qb);
    if (count < 0 || count > slots) {
      invalid("argument 'block_count': element [" + std::to_string(qb) + "] is " + std::to_string(count) +
              ", expected a value in [0, Mb = " + std::to_string(slots) + "]");
    }
    int64_t previous = -1;
    for (int64_t slot = 0; slot < count; ++slot) {
      const int32_t index = load_i32(block_index, qb, slot);
      const std::string where = "argument 'block_index': element [" + std::to_string(qb) + ", " +
                                std::to_string(slot) + "] is " + std::to_string(index);
      if (index < 0 || index >= key_blocks) {
        invalid(where + ", expected a key block in [0, Nkb = " + std::to_string(key_blocks) + ")");
      }
      if (index == previous) invalid(where + ", a duplicate of the element before it");
      if (index < previous) {
        invalid(where + ", after " + std::to_string(previous) + ": each row's blocks must be in ascending order");
      }
      previous = index;
    }
  }
}

} // namespace attnforge
