// The registry: finds plugins, indexes their variants and hands out kernels
// by name. See docs/runtime.md for the search path and dispatch rules.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attnforge/error.hpp"
#include "attnforge/tensor.hpp"

namespace attnforge {

struct ParamInfo {
  std::string name;
  enum class Kind { Bool, Int, Float } kind = Kind::Float;
  double default_value = 0;  // NaN: derived by the kernel (help says how)
  double min_value = 0;
  double max_value = 0;
  std::string help;
};

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  bool optional = false;
  std::string shape;           // symbolic, e.g. "B,Hq,Nq,D"
  std::string values_at_most;  // symbol bounding integer values, or empty
  std::string help;
};

struct VariantInfo {
  std::string id;      // full:f32:d64:x86-64-avx512
  std::string kernel;  // full
  DType dtype = DType::F32;
  int head_dim = 0;    // 0 = any
  int value_dim = 0;   // 0 = any
  Device device = Device::CPU;
  std::string target;
  std::vector<std::string> required_cpu_features;  // "avx512f", ...
  int priority = 0;
  std::vector<TensorInfo> tensors;
  std::vector<ParamInfo> params;
  std::string plugin_name;
  std::string plugin_path;
  bool usable = true;
  std::string unusable_reason;  // why this machine cannot run it
};

// One call's inputs. q, k, v and out are always required; `tensors` holds
// the variant family's extra tensors by name (kv_len, ...); `params` holds
// scalars by name, unset ones take the declared default.
struct Arguments {
  TensorView q, k, v, out;
  std::map<std::string, TensorView> tensors;
  std::map<std::string, double> params;
  void *stream = nullptr;
};

class Registry;

// A kernel handle: calling it validates the arguments, picks the best usable
// variant that fits them and runs it. Cheap to copy; valid while its Registry
// lives.
class Kernel {
 public:
  // Runs the call. Throws attnforge::Error; on any throw before the kernel
  // starts, `out` is untouched.
  void operator()(const Arguments &arguments) const;

  // The variant a call with these arguments would run; throws like
  // operator() when none fits, listing every candidate's reasons.
  const VariantInfo &choose(const Arguments &arguments) const;

  // For each candidate variant, why it cannot run these arguments (empty
  // string when it can).
  std::vector<std::pair<std::string, std::string>> reasons(const Arguments &arguments) const;

  const std::string &name() const { return name_; }
  const std::vector<const VariantInfo *> &candidates() const { return candidates_; }

 private:
  friend class Registry;
  Kernel(const Registry *registry, std::string name, std::vector<const VariantInfo *> candidates, bool pinned)
      : registry_(registry), name_(std::move(name)), candidates_(std::move(candidates)), pinned_(pinned) {}
  const Registry *registry_;
  std::string name_;
  std::vector<const VariantInfo *> candidates_;
  bool pinned_; // made by Registry::variant(id): one candidate, named by the caller
};

struct RegistryOptions {
  // Directories searched for plugins, in order. Empty: $ATTNFORGE_PLUGIN_PATH
  // (colon-separated), then lib/attnforge/plugins beside libattnforge.
  std::vector<std::string> search_path;
  // CPU features to pretend this machine lacks ("avx512f", ...): lets tests
  // and users check the fallbacks on a machine that has everything.
  std::vector<std::string> hide_cpu_features;
};

// A plugin file the registry could not use, and why.
struct PluginProblem {
  std::string path;
  std::string reason;
};

class Registry {
 public:
  explicit Registry(RegistryOptions options = {});
  ~Registry();
  Registry(const Registry &) = delete;
  Registry &operator=(const Registry &) = delete;

  // The kernel of that name, dispatching over its usable variants. Throws
  // NotFound naming the closest known kernel names.
  Kernel kernel(const std::string &name) const;
  // One variant, pinned. Throws NotFound (closest ids) or Unsupported (the
  // machine cannot run it, and why).
  Kernel variant(const std::string &id) const;

  // Every variant found, usable or not.
  const std::vector<VariantInfo> &variants() const;
  // Plugin files skipped and why (not a plugin, ABI mismatch, duplicates...).
  const std::vector<PluginProblem> &problems() const;
  const std::vector<std::string> &search_path() const;

  struct Impl;

 private:
  friend class Kernel;
  std::unique_ptr<Impl> impl_;
};

} // namespace attnforge
