// attnforge info <kernel | variant id>: the tensors and parameters a kernel
// takes, its variants, and which one a call on the default problem runs.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "attnforge/reference/random.hpp"
#include "command.hpp"
#include "kernel_call.hpp"
#include "kernel_profiles.hpp"
#include "text_table.hpp"

namespace attnforge::cli {
namespace {

const char *kind_name(ParamInfo::Kind kind) {
  switch (kind) {
    case ParamInfo::Kind::Bool: return "bool";
    case ParamInfo::Kind::Int: return "int";
    default: return "float";
  }
}

std::string head_size(int size) { return size == 0 ? "any" : std::to_string(size); }

// A param that each variant fixes to its own value (sparse's block_size) is
// one choice among those values for the kernel, not the first variant's range.
std::string range_text(const ParamInfo &param, const std::vector<const VariantInfo *> &variants) {
  std::vector<double> fixed_values;
  for (const VariantInfo *variant : variants) {
    for (const ParamInfo &other : variant->params) {
      if (other.name != param.name) continue;
      if (other.min_value != other.max_value) return fmt::format("[{}, {}]", param.min_value, param.max_value);
      if (std::find(fixed_values.begin(), fixed_values.end(), other.min_value) == fixed_values.end()) {
        fixed_values.push_back(other.min_value);
      }
    }
  }
  if (fixed_values.size() < 2) return fmt::format("[{}, {}]", param.min_value, param.max_value);
  return fmt::format("{{{}}}, one per variant", fmt::join(fixed_values, ", "));
}

// The tensors and params of `variant`, with ranges over all of `variants`.
void print_signature(const VariantInfo &variant, const std::vector<const VariantInfo *> &variants) {
  fmt::print("\ntensors:\n");
  TextTable tensors({"  NAME", "DTYPE", "SHAPE", "NOTES", "HELP"});
  for (const TensorInfo &tensor : variant.tensors) {
    std::string notes = tensor.optional ? "optional" : "required";
    if (!tensor.values_at_most.empty()) notes += ", values <= " + tensor.values_at_most;
    tensors.add_row({"  " + tensor.name, to_string(tensor.dtype), "[" + tensor.shape + "]", notes,
                     tensor.help});
  }
  tensors.print();
  fmt::print("\nparams:\n");
  TextTable params({"  NAME", "KIND", "DEFAULT", "RANGE", "HELP"});
  for (const ParamInfo &param : variant.params) {
    params.add_row({"  " + param.name, kind_name(param.kind),
                    std::isnan(param.default_value) ? "derived" : fmt::format("{}", param.default_value),
                    range_text(param, variants), param.help});
  }
  params.print();
}

void print_variant(const VariantInfo &variant) {
  fmt::print("variant   {}\n", variant.id);
  fmt::print("kernel    {}\n", variant.kernel);
  fmt::print("dtype     {}\n", to_string(variant.dtype));
  fmt::print("head dim  D={} Dv={}\n", head_size(variant.head_dim), head_size(variant.value_dim));
  fmt::print("target    {} ({}), priority {}\n", variant.target, to_string(variant.device),
             variant.priority);
  fmt::print("needs     {}\n", variant.required_cpu_features.empty()
                                    ? std::string("no CPU features")
                                    : fmt::format("{}", fmt::join(variant.required_cpu_features, ", ")));
  fmt::print("plugin    {} ({})\n", variant.plugin_name, variant.plugin_path);
  fmt::print("status    {}\n", variant.usable ? "usable" : "unusable: " + variant.unusable_reason);
  print_signature(variant, {&variant});
}

std::string chosen_for_default(const Registry &registry, const KernelProfile &profile) {
  try {
    reference::Random random(0);
    const KernelCall call = prepare_call(registry, profile, profile.default_problem, "", random);
    return call.variant->id;
  } catch (const Error &error) {
    return fmt::format("none ({})", error.what());
  }
}

void print_kernel(const Registry &registry, const std::string &name,
                  const std::vector<const VariantInfo *> &variants) {
  fmt::print("kernel    {}\n", name);
  print_signature(*variants.front(), variants);
  fmt::print("\nvariants:\n");
  TextTable table({"  VARIANT", "D", "Dv", "TARGET", "PRIORITY", "STATUS"});
  for (const VariantInfo *variant : variants) {
    table.add_row({"  " + variant->id, head_size(variant->head_dim), head_size(variant->value_dim),
                   variant->target, std::to_string(variant->priority),
                   variant->usable ? "usable" : "unusable: " + variant->unusable_reason});
  }
  table.print();
  const KernelProfile profile = profile_for(name);
  fmt::print("\ndefault problem {}: runs {}\n", profile.default_problem.describe(),
             chosen_for_default(registry, profile));
}

int show_info(const GlobalOptions &global, const std::string &name) {
  const auto registry = open_registry(global);
  std::vector<const VariantInfo *> of_kernel;
  for (const VariantInfo &variant : registry->variants()) {
    if (variant.id == name) {
      print_variant(variant);
      return 0;
    }
    if (variant.kernel == name) of_kernel.push_back(&variant);
  }
  if (of_kernel.empty()) {
    // Neither a kernel nor a variant: let the registry name the closest ones.
    if (name.find(':') != std::string::npos) registry->variant(name);
    registry->kernel(name);
    throw Error(ErrorCategory::NotFound, fmt::format("no kernel or variant named '{}'", name));
  }
  print_kernel(*registry, name, of_kernel);
  return 0;
}

} // namespace

void add_info_command(CLI::App &app, const GlobalOptions &global, CommandAction &chosen) {
  CLI::App *command = app.add_subcommand("info", "Describe a kernel or one variant");
  auto name = std::make_shared<std::string>();
  command->add_option("name", *name, "Kernel name (full) or variant id (full:f32:d64:x86-64)")
      ->required();
  command->callback([&global, &chosen, name] {
    chosen = [&global, name] { return show_info(global, *name); };
  });
}

} // namespace attnforge::cli
