// Discovery: walk the search path, load each plugin, check and index its
// variants. A bad file never stops the others: it becomes a PluginProblem.
#include "attnforge/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "cpu_features.hpp"
#include "plugin_loader.hpp"
#include "registry_impl.hpp"
#include "search_path.hpp"
#include "suggestions.hpp"
#include "usability.hpp"
#include "variant_table.hpp"

namespace attnforge {
namespace {

std::vector<std::string> known_cpu_feature_names() {
  std::vector<std::string> names;
  for (const auto &feature : detail::known_cpu_features()) names.emplace_back(feature.name);
  return names;
}

detail::MachineFeatures machine_features(const std::vector<std::string> &hide_cpu_features) {
  detail::MachineFeatures machine{detail::detected_cpu_features(), 0};
  for (const auto &name : hide_cpu_features) {
    const auto bit = detail::cpu_feature_bit(name);
    if (!bit) {
      // A misspelt name would silently hide nothing and the test or user would
      // believe the fallback was exercised.
      throw Error(ErrorCategory::InvalidArgument,
                  fmt::format("RegistryOptions::hide_cpu_features: unknown CPU feature '{}'{}", name,
                              detail::suggestion_suffix(name, known_cpu_feature_names())));
    }
    machine.hidden |= *bit;
  }
  machine.cpu_features &= ~machine.hidden;
  return machine;
}

std::string canonical_or_same(const std::string &path) {
  std::error_code error;
  auto canonical = std::filesystem::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

// What to say when a name is unknown and nothing at all was found: the usual
// cause is the search path or a broken plugin, not a typo.
std::string empty_registry_hint(const Registry::Impl &impl) {
  std::string hint = fmt::format("; no plugins were found on the search path [{}]",
                                 fmt::join(impl.search_path, ", "));
  if (!impl.problems.empty()) {
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, impl.problems.size()); ++i) {
      shown.push_back(fmt::format("{}: {}", impl.problems[i].path, impl.problems[i].reason));
    }
    hint += fmt::format("; {} plugin file(s) could not be used: {}", impl.problems.size(), fmt::join(shown, "; "));
  }
  return hint;
}

} // namespace

Registry::Registry(RegistryOptions options) : impl_(std::make_unique<Impl>()) {
  const detail::MachineFeatures machine = machine_features(options.hide_cpu_features);
  impl_->search_path = detail::resolve_search_path(options);

  std::set<std::string> loaded_files;          // one file reached twice is loaded once
  std::map<std::string, std::string> id_owner; // variant id -> the file that provided it first
  for (const auto &directory : impl_->search_path) {
    for (const auto &file : detail::plugin_files_in(directory, impl_->problems)) {
      if (!loaded_files.insert(canonical_or_same(file)).second) continue;
      detail::LoadedPlugin plugin;
      try {
        plugin = detail::load_plugin(file);
      } catch (const Error &error) {
        impl_->problems.push_back({file, error.what()});
        continue;
      }
      for (int32_t i = 0; i < plugin.table->variant_count; ++i) {
        const af_variant &variant = plugin.table->variants[i];
        if (auto problem = detail::variant_table_problem(variant); !problem.empty()) {
          impl_->problems.push_back(
              {file, fmt::format("variant #{} ('{}') is skipped: {}", i, variant.id ? variant.id : "", problem)});
          continue;
        }
        if (auto [owner, inserted] = id_owner.emplace(variant.id, file); !inserted) {
          impl_->problems.push_back(
              {file, fmt::format("variant '{}' is skipped: {} provides it already (the first one found on the "
                                 "search path is kept)",
                                 variant.id, owner->second)});
          continue;
        }
        VariantInfo info = detail::describe_variant(variant, plugin);
        info.unusable_reason = detail::unusable_reason(variant, machine);
        info.usable = info.unusable_reason.empty();
        impl_->variants.push_back(std::move(info));
        impl_->abi_variants.push_back(&variant);
      }
    }
  }
}

Registry::~Registry() = default;

Kernel Registry::kernel(const std::string &name) const {
  std::vector<const VariantInfo *> candidates;
  std::vector<std::string> kernel_names;
  for (const auto &variant : impl_->variants) {
    if (variant.kernel == name) candidates.push_back(&variant);
    if (std::find(kernel_names.begin(), kernel_names.end(), variant.kernel) == kernel_names.end()) {
      kernel_names.push_back(variant.kernel);
    }
  }
  if (candidates.empty()) {
    const std::string hint =
        kernel_names.empty() ? empty_registry_hint(*impl_) : detail::suggestion_suffix(name, kernel_names);
    throw Error(ErrorCategory::NotFound, fmt::format("no kernel named '{}'{}", name, hint));
  }
  // Unusable variants stay candidates so a failed call can say why each one could not run.
  return Kernel(this, name, std::move(candidates), /*pinned=*/false);
}

Kernel Registry::variant(const std::string &id) const {
  std::vector<std::string> ids;
  for (const auto &variant : impl_->variants) {
    if (variant.id != id) {
      ids.push_back(variant.id);
      continue;
    }
    if (!variant.usable) {
      throw Error(ErrorCategory::Unsupported,
                  fmt::format("variant '{}' cannot run on this machine: {}", id, variant.unusable_reason));
    }
    return Kernel(this, id, {&variant}, /*pinned=*/true);
  }
  const std::string hint = ids.empty() ? empty_registry_hint(*impl_) : detail::suggestion_suffix(id, ids);
  throw Error(ErrorCategory::NotFound, fmt::format("no variant with id '{}'{}", id, hint));
}

const std::vector<VariantInfo> &Registry::variants() const { return impl_->variants; }
const std::vector<PluginProblem> &Registry::problems() const { return impl_->problems; }
const std::vector<std::string> &Registry::search_path() const { return impl_->search_path; }

} // namespace attnforge
