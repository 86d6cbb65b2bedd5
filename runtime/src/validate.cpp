#include "validate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

#include "argument_lookup.hpp"
#include "suggestions.hpp"
#include "symbolic_shape.hpp"

namespace attnforge::detail {
namespace {

// The memory a view may touch, as bytes [begin, end).
struct ByteSpan {
  unsigned __int128 begin = 0;
  unsigned __int128 end = 0;
  bool overlaps(const ByteSpan &other) const { return begin < other.end && other.begin < end; }
};

class Validator {
 public:
  Validator(const VariantInfo &variant, const Arguments &arguments) : variant_(variant), arguments_(arguments) {}

  void run() {
    check_argument_names();
    for (const TensorInfo &spec : variant_.tensors) {
      const TensorView *view = find_tensor(arguments_, spec.name);
      if (view == nullptr || !view->present()) {
        if (spec.optional) continue;
        fail("missing required argument '{}'", spec.name);
      }
      check_tensor(spec, *view);
    }
    check_heads_group_evenly();
    check_output_memory();
    for (const TensorInfo &spec : variant_.tensors) {
      const TensorView *view = find_tensor(arguments_, spec.name);
      if (view != nullptr && view->present() && !spec.values_at_most.empty()) check_values(spec, *view);
    }
    check_params();
  }

 private:
  struct Binding {
    int64_t extent;
    std::string source; // the argument that fixed it, for "expected 128 (from 'k')"
  };

  template <typename... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> format, Args &&...args) const {
    throw Error(ErrorCategory::InvalidArgument,
                fmt::format("{}: {}", variant_.kernel, fmt::format(format, std::forward<Args>(args)...)));
  }

  void check_argument_names() const {
    std::vector<std::string> extra_names;
    for (const TensorInfo &spec : variant_.tensors) {
      if (!is_core_tensor_name(spec.name)) extra_names.push_back(spec.name);
    }
    for (const auto &[name, view] : arguments_.tensors) {
      if (is_core_tensor_name(name)) fail("argument '{}' belongs in Arguments::{}, not in Arguments::tensors", name, name);
      if (std::find(extra_names.begin(), extra_names.end(), name) == extra_names.end()) {
        fail("unknown tensor argument '{}'{}", name, suggestion_suffix(name, extra_names));
      }
    }
    std::vector<std::string> param_names;
    for (const ParamInfo &spec : variant_.params) param_names.push_back(spec.name);
    for (const auto &[name, value] : arguments_.params) {
      if (std::find(param_names.begin(), param_names.end(), name) == param_names.end()) {
        fail("unknown parameter '{}'{}", name, suggestion_suffix(name, param_names));
      }
    }
  }

  void check_tensor(const TensorInfo &spec, const TensorView &view) {
    if (view.device != variant_.device) {
      fail("argument '{}': expected a {} tensor, got a {} tensor", spec.name, to_string(variant_.device),
           to_string(view.device));
    }
    if (view.dtype != spec.dtype) {
      fail("argument '{}': expected dtype {}, got {}", spec.name, to_string(spec.dtype), to_string(view.dtype));
    }
    const std::vector<std::string> symbols = parse_symbolic_shape(spec.shape);
    if (view.rank != static_cast<int>(symbols.size())) {
      fail("argument '{}': expected {} dimensions {}, got {} ({})", spec.name, symbols.size(),
           symbolic_shape_string(symbols), view.rank, view.shape_string());
    }
    for (int dim = 0; dim < view.rank; ++dim) {
      const std::string &symbol = symbols[dim];
      const int64_t extent = view.shape[dim];
      if (extent < 1) {
        fail("argument '{}': dimension {} must be at least 1, got {} ({})", spec.name, symbol, extent,
             view.shape_string());
      }
      if (view.strides[dim] < 0) {
        fail("argument '{}': dimension {} has stride {}; negative strides are not supported", spec.name, symbol,
             view.strides[dim]);
      }
      bind(spec.name, symbol, extent);
    }
    spans_[spec.name] = byte_span(spec.name, view);
  }

  void bind(const std::string &tensor, const std::string &symbol, int64_t extent) {
    if (auto fixed = literal_extent(symbol)) {
      if (extent != *fixed) fail("argument '{}': a dimension must be {}, got {}", tensor, *fixed, extent);
      return;
    }
    const auto [binding, inserted] = bindings_.emplace(symbol, Binding{extent, tensor});
    if (!inserted && binding->second.extent != extent) {
      fail("argument '{}': dimension {} expected {} (from '{}'), got {}", tensor, symbol, binding->second.extent,
           binding->second.source, extent);
    }
  }

  ByteSpan byte_span(const std::string &tensor, const TensorView &view) const {
    // 128-bit arithmetic: shapes and strides come from the caller and their
    // product may overflow 64 bits; such a view cannot be real memory.
    unsigned __int128 last_offset = 0;
    for (int dim = 0; dim < view.rank; ++dim) {
      last_offset += static_cast<unsigned __int128>(view.shape[dim] - 1) * static_cast<uint64_t>(view.strides[dim]);
    }
    const auto element_size = static_cast<unsigned __int128>(size_of(view.dtype));
    ByteSpan span;
    span.begin = reinterpret_cast<uintptr_t>(view.data);
    span.end = span.begin + (last_offset + 1) * element_size;
    if (span.end > std::numeric_limits<uintptr_t>::max()) {
      fail("argument '{}': shape {} with its strides reaches past the end of the address space", tensor,
           view.shape_string());
    }
    return span;
  }

  // The one convention the runtime knows about heads: grouped-query attention
  // shares each K/V head among Hq / Hkv query heads.
  void check_heads_group_evenly() const {
    const auto hq = bindings_.find("Hq");
    const auto hkv = bindings_.find("Hkv");
    if (hq == bindings_.end() || hkv == bindings_.end()) return;
    if (hq->second.extent % hkv->second.extent != 0) {
      fail("Hq = {} (from '{}') must be a multiple of Hkv = {} (from '{}')", hq->second.extent, hq->second.source,
           hkv->second.extent, hkv->second.source);
    }
  }

  void check_output_memory() const {
    const TensorView &out = arguments_.out;
    check_output_elements_apart(out, parse_symbolic_shape(spec_of("out").shape));
    const ByteSpan &out_span = spans_.at("out");
    for (const TensorInfo &spec : variant_.tensors) {
      if (spec.name == "out") continue;
      const TensorView *input = find_tensor(arguments_, spec.name);
      if (input == nullptr || !input->present() || input->device != out.device) continue;
      if (out_span.overlaps(spans_.at(spec.name))) {
        fail("argument 'out' overlaps the memory of argument '{}'; the output must not alias any input", spec.name);
      }
    }
  }

  // Parallel kernels would race on output elements that share an address.
  // Exact overlap detection for arbitrary strides is a hard problem; the
  // rule here is the one every real layout keeps (dense, permuted, padded):
  // in order of stride, each dimension steps past all the smaller-stride
  // dimensions reach. A few interleaved layouts without overlap fail it too.
  void check_output_elements_apart(const TensorView &out, const std::vector<std::string> &symbols) const {
    std::array<int, 4> dims{}; // on every call: no heap allocation
    int count = 0;
    for (int dim = 0; dim < out.rank; ++dim) {
      if (out.shape[dim] > 1) dims[count++] = dim;
    }
    std::stable_sort(dims.begin(), dims.begin() + count,
                     [&](int a, int b) { return out.strides[a] < out.strides[b]; });
    unsigned __int128 reach = 0; // the largest offset the smaller-stride dimensions reach
    std::optional<int> below;    // the largest-stride dimension checked so far
    for (int n = 0; n < count; ++n) {
      const int dim = dims[n];
      const auto stride = static_cast<unsigned __int128>(out.strides[dim]);
      if (stride == 0) {
        fail("argument 'out': dimension {} has stride 0, so different output elements would share memory",
             symbols[dim]);
      }
      if (stride <= reach) {
        fail("argument 'out': dimension {} (stride {}) steps inside the reach of dimension {} (stride {}, extent "
             "{}), so different output elements could share memory; each dimension's stride must exceed what the "
             "smaller-stride dimensions reach",
             symbols[dim], out.strides[dim], symbols[*below], out.strides[*below], out.shape[*below]);
      }
      reach += static_cast<unsigned __int128>(out.shape[dim] - 1) * stride;
      below = dim;
    }
  }

  void check_values(const TensorInfo &spec, const TensorView &view) const {
    // Device memory cannot be read from here; kernels must bound-check those themselves.
    if (view.device != Device::CPU) return;
    int64_t bound = 0;
    if (auto fixed = literal_extent(spec.values_at_most)) {
      bound = *fixed;
    } else if (auto binding = bindings_.find(spec.values_at_most); binding != bindings_.end()) {
      bound = binding->second.extent;
    } else {
      return; // bounded by a dimension of an optional tensor the call left out
    }
    std::array<int64_t, 4> index{};
    const int64_t count = view.element_count();
    for (int64_t n = 0; n < count; ++n) {
      int64_t offset = 0;
      for (int dim = 0; dim < view.rank; ++dim) offset += index[dim] * view.strides[dim];
      const int64_t value = read_integer(view, offset);
      if (value < 0 || value > bound) {
        fail("argument '{}': element [{}] is {}, expected a value in [0, {} = {}]", spec.name,
             fmt::join(index.begin(), index.begin() + view.rank, ", "), value, spec.values_at_most, bound);
      }
      for (int dim = view.rank - 1; dim >= 0; --dim) {
        if (++index[dim] < view.shape[dim]) break;
        index[dim] = 0;
      }
    }
  }

  static int64_t read_integer(const TensorView &view, int64_t offset) {
    if (view.dtype == DType::U8) return static_cast<const uint8_t *>(view.data)[offset];
    int32_t value = 0; // memcpy: the caller's buffer need not be aligned
    std::memcpy(&value, static_cast<const char *>(view.data) + offset * 4, sizeof value);
    return value;
  }

  void check_params() const {
    for (const ParamInfo &spec : variant_.params) {
      const auto given = arguments_.params.find(spec.name);
      if (given == arguments_.params.end()) continue;
      const double value = given->second;
      if (!std::isfinite(value)) {
        fail("parameter '{}': expected a finite number, got {} (leave it unset for the default)", spec.name, value);
      }
      // A range of one value was fixed when the variant was built (sparse's
      // block_size): say so, rather than show a range of one.
      if (spec.min_value == spec.max_value && value != spec.min_value) {
        fail("parameter '{}': expected {}, the only value variant {} is built for, got {}", spec.name,
             spec.min_value, variant_.id, value);
      }
      const bool integral = std::trunc(value) == value;
      const bool in_range = spec.min_value <= value && value <= spec.max_value;
      if (spec.kind == ParamInfo::Kind::Bool && (!integral || !in_range)) {
        fail("parameter '{}': expected a boolean (0 or 1), got {}", spec.name, value);
      }
      if (spec.kind == ParamInfo::Kind::Int && (!integral || !in_range)) {
        fail("parameter '{}': expected an integer in [{}, {}], got {}", spec.name, spec.min_value, spec.max_value,
             value);
      }
      if (!in_range) {
        fail("parameter '{}': expected a number in [{}, {}], got {}", spec.name, spec.min_value, spec.max_value,
             value);
      }
    }
  }

  const TensorInfo &spec_of(const std::string &name) const {
    for (const TensorInfo &spec : variant_.tensors) {
      if (spec.name == name) return spec;
    }
    throw Error(ErrorCategory::Runtime, fmt::format("{}: no spec for '{}'", variant_.id, name)); // table check forbids
  }

  const VariantInfo &variant_;
  const Arguments &arguments_;
  std::map<std::string, Binding, std::less<>> bindings_;
  std::map<std::string, ByteSpan> spans_;
};

} // namespace

void validate_arguments(const VariantInfo &variant, const Arguments &arguments) {
  Validator(variant, arguments).run();
}

} // namespace attnforge::detail
