// Helpers shared by the runtime tests: registries over fixture directories,
// scratch directories, and a toy problem whose output starts poisoned.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "attnforge/attnforge.hpp"
#include "fixture_paths.hpp"

namespace attnforge::testing {

// Options for a registry that sees only `directories` (never the installed
// plugins or $ATTNFORGE_PLUGIN_PATH).
RegistryOptions only(std::vector<std::string> directories, std::vector<std::string> hidden_cpu_features = {});

// A fresh directory, removed with everything in it when the test ends.
class ScratchDirectory {
 public:
  ScratchDirectory();
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory &) = delete;
  ScratchDirectory &operator=(const ScratchDirectory &) = delete;

  const std::string &path() const { return path_; }
  std::string write_file(const std::string &name, const std::string &content) const;
  std::string copy_file(const std::string &source, const std::string &name) const;

 private:
  std::string path_;
};

// The attnforge::Error `call` throws; a test failure if it throws none.
template <typename Call>
Error error_from(Call &&call) {
  try {
    call();
  } catch (const Error &error) {
    return error;
  }
  ADD_FAILURE() << "expected an attnforge::Error, none was thrown";
  return Error(ErrorCategory::Runtime, "(no error thrown)");
}

struct ToyShape {
  int64_t B = 2, Hq = 4, Hkv = 2, Nq = 3, Nk = 5, D = 16, Dv = 8;
};

// q, k, v filled with distinct values, out poisoned with a NaN no kernel
// writes, so "nothing was written" can be checked bit for bit.
struct ToyProblem {
  static constexpr uint32_t kPoisonBits = 0x7fc0dead;

  explicit ToyProblem(ToyShape shape = {});

  ToyShape shape;
  std::vector<float> q, k, v, out;
  std::vector<int32_t> kv_len; // one per batch, all Nk

  TensorView q_view(), k_view(), v_view(), out_view(), kv_len_view();
  Arguments arguments(); // q, k, v, out as dense views; no extras, no params
  bool out_untouched() const;
};

// The set-up of tests that call one kernel of one fixture plugin: a registry
// that sees only that plugin's directory, the kernel by name, and a fresh
// ToyProblem with its arguments.
class KernelOfFixture : public ::testing::Test {
 protected:
  KernelOfFixture(const char *plugin_directory, const char *kernel_name)
      : registry(only({plugin_directory})), kernel(registry.kernel(kernel_name)) {}

  Registry registry;
  Kernel kernel;
  ToyProblem problem;
  Arguments arguments = problem.arguments();
};

// Calls `kernel`, expects it to throw `category` with `fragment` in the
// message, and the problem's output to be bit-for-bit untouched.
::testing::AssertionResult rejects(const Kernel &kernel, const Arguments &arguments, const ToyProblem &problem,
                                   ErrorCategory category, const std::string &fragment);

} // namespace attnforge::testing
