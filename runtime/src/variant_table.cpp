#include "variant_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "abi_conversions.hpp"
#include "cpu_features.hpp"
#include "symbolic_shape.hpp"

namespace attnforge::detail {
namespace {

bool has_text(const char *text) { return text != nullptr && text[0] != '\0'; }
std::string text_or_empty(const char *text) { return text ? text : ""; }

std::string tensor_specs_problem(const af_variant &variant) {
  if (variant.tensor_count < 0 || (variant.tensor_count > 0 && variant.tensors == nullptr)) {
    return "its tensor list is malformed";
  }
  std::set<std::string> names;
  std::set<std::string> symbols;
  for (int32_t i = 0; i < variant.tensor_count; ++i) {
    const af_tensor_spec &spec = variant.tensors[i];
    if (!has_text(spec.name)) return fmt::format("tensor #{} has no name", i);
    if (!names.insert(spec.name).second) return fmt::format("tensor '{}' is declared twice", spec.name);
    if (!dtype_from_abi(spec.dtype)) return fmt::format("tensor '{}' has unknown dtype {}", spec.name, spec.dtype);
    if (spec.shape == nullptr) return fmt::format("tensor '{}' has no shape", spec.name);
    const auto dims = parse_symbolic_shape(spec.shape);
    if (dims.size() > AF_MAX_RANK) {
      return fmt::format("tensor '{}' has {} dimensions, at most {} are supported", spec.name, dims.size(),
                         AF_MAX_RANK);
    }
    for (const auto &dim : dims) {
      if (dim.empty()) return fmt::format("tensor '{}' has an unnamed dimension in '{}'", spec.name, spec.shape);
      symbols.insert(dim);
    }
  }
  for (const char *required : {"q", "k", "v", "out"}) {
    bool declared_required = false;
    for (int32_t i = 0; i < variant.tensor_count; ++i) {
      if (std::string_view(variant.tensors[i].name) == required) declared_required = !variant.tensors[i].optional;
    }
    if (!declared_required) return fmt::format("tensor '{}' must be declared and not optional", required);
  }
  for (int32_t i = 0; i < variant.tensor_count; ++i) {
    const af_tensor_spec &spec = variant.tensors[i];
    if (spec.values_at_most == nullptr) continue;
    if (spec.dtype != AF_DTYPE_I32 && spec.dtype != AF_DTYPE_U8) {
      return fmt::format("tensor '{}' bounds its values but is not an integer tensor", spec.name);
    }
    if (!literal_extent(spec.values_at_most) && !symbols.count(spec.values_at_most)) {
      return fmt::format("tensor '{}' bounds its values by '{}', which no shape names", spec.name,
                         spec.values_at_most);
    }
  }
  return "";
}

std::string param_specs_problem(const af_variant &variant) {
  if (variant.param_count < 0 || (variant.param_count > 0 && variant.params == nullptr)) {
    return "its parameter list is malformed";
  }
  std::set<std::string> names;
  for (int32_t i = 0; i < variant.param_count; ++i) {
    const af_param_spec &spec = variant.params[i];
    if (!has_text(spec.name)) return fmt::format("parameter #{} has no name", i);
    if (!names.insert(spec.name).second) return fmt::format("parameter '{}' is declared twice", spec.name);
    if (!param_kind_from_abi(spec.kind)) return fmt::format("parameter '{}' has unknown kind {}", spec.name, spec.kind);
    if (!(spec.min_value <= spec.max_value)) {
      return fmt::format("parameter '{}' has range [{}, {}]", spec.name, spec.min_value, spec.max_value);
    }
    const bool derived = std::isnan(spec.default_value);
    if (!derived && !(spec.min_value <= spec.default_value && spec.default_value <= spec.max_value)) {
      return fmt::format("parameter '{}' has default {} outside its range [{}, {}]", spec.name,
                         spec.default_value, spec.min_value, spec.max_value);
    }
  }
  return "";
}

} // namespace

std::string variant_table_problem(const af_variant &variant) {
  if (!has_text(variant.id)) return "it has no id";
  if (!has_text(variant.kernel)) return "it has no kernel name";
  if (!has_text(variant.target)) return "it has no target";
  if (!dtype_from_abi(variant.dtype)) return fmt::format("unknown dtype code {}", variant.dtype);
  if (!device_from_abi(variant.device)) return fmt::format("unknown device code {}", variant.device);
  if (variant.head_dim < 0 || variant.value_dim < 0) return "negative head_dim or value_dim";
  if (variant.run == nullptr) return "it has no run function";
  if (auto problem = tensor_specs_problem(variant); !problem.empty()) return problem;
  return param_specs_problem(variant);
}

VariantInfo describe_variant(const af_variant &variant, const LoadedPlugin &plugin) {
  VariantInfo info;
  info.id = variant.id;
  info.kernel = variant.kernel;
  info.dtype = *dtype_from_abi(variant.dtype);
  info.head_dim = variant.head_dim;
  info.value_dim = variant.value_dim;
  info.device = *device_from_abi(variant.device);
  info.target = variant.target;
  info.required_cpu_features = cpu_feature_names(variant.required_cpu_features);
  if (uint64_t unknown = variant.required_cpu_features & ~known_cpu_feature_mask()) {
    info.required_cpu_features.push_back(fmt::format("unknown(0x{:x})", unknown));
  }
  info.priority = variant.priority;
  for (int32_t i = 0; i < variant.tensor_count; ++i) {
    const af_tensor_spec &spec = variant.tensors[i];
    info.tensors.push_back({spec.name, *dtype_from_abi(spec.dtype), spec.optional != 0, spec.shape,
                            text_or_empty(spec.values_at_most), text_or_empty(spec.help)});
  }
  for (int32_t i = 0; i < variant.param_count; ++i) {
    const af_param_spec &spec = variant.params[i];
    info.params.push_back({spec.name, *param_kind_from_abi(spec.kind), spec.default_value, spec.min_value,
                           spec.max_value, text_or_empty(spec.help)});
  }
  info.plugin_name = plugin.table->name;
  info.plugin_path = plugin.path;
  return info;
}

} // namespace attnforge::detail
