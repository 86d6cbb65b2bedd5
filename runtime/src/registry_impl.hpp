// What a Registry holds once discovery is done. Immutable afterwards, which is
// what makes Kernel handles safe to call from many threads at once.
#pragma once

#include <string>
#include <vector>

#include "attnforge/plugin_abi.h"
#include "attnforge/registry.hpp"

namespace attnforge {

struct Registry::Impl {
  std::vector<std::string> search_path;
  std::vector<VariantInfo> variants;
  std::vector<const af_variant *> abi_variants; // parallel to `variants`: what a call goes through
  std::vector<PluginProblem> problems;

  const af_variant &abi_variant(const VariantInfo &variant) const {
    return *abi_variants[static_cast<std::size_t>(&variant - variants.data())];
  }
};

} // namespace attnforge
