#include "test_support.hpp"

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace attnforge::testing {
namespace fs = std::filesystem;

RegistryOptions only(std::vector<std::string> directories, std::vector<std::string> hidden_cpu_features) {
  RegistryOptions options;
  options.search_path = std::move(directories);
  options.hide_cpu_features = std::move(hidden_cpu_features);
  return options;
}

ScratchDirectory::ScratchDirectory() {
  static std::atomic<int> counter{0};
  path_ = (fs::temp_directory_path() /
           ("attnforge-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
              .string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string ScratchDirectory::write_file(const std::string &name, const std::string &content) const {
  const std::string file = (fs::path(path_) / name).string();
  std::ofstream(file) << content;
  return file;
}

std::string ScratchDirectory::copy_file(const std::string &source, const std::string &name) const {
  const std::string file = (fs::path(path_) / name).string();
  fs::copy_file(source, file, fs::copy_options::overwrite_existing);
  return file;
}

namespace {

std::vector<float> numbered(int64_t count, float start) {
  std::vector<float> values(static_cast<std::size_t>(count));
  for (int64_t i = 0; i < count; ++i) values[static_cast<std::size_t>(i)] = start + 0.25f * static_cast<float>(i);
  return values;
}

} // namespace

ToyProblem::ToyProblem(ToyShape s)
    : shape(s),
      q(numbered(s.B * s.Hq * s.Nq * s.D, 1.0f)),
      k(numbered(s.B * s.Hkv * s.Nk * s.D, 2.0f)),
      v(numbered(s.B * s.Hkv * s.Nk * s.Dv, 3.0f)),
      out(static_cast<std::size_t>(s.B * s.Hq * s.Nq * s.Dv)),
      kv_len(static_cast<std::size_t>(s.B), static_cast<int32_t>(s.Nk)) {
  for (float &element : out) std::memcpy(&element, &kPoisonBits, sizeof element);
}

TensorView ToyProblem::q_view() { return TensorView::contiguous(q.data(), DType::F32, {shape.B, shape.Hq, shape.Nq, shape.D}); }
TensorView ToyProblem::k_view() { return TensorView::contiguous(k.data(), DType::F32, {shape.B, shape.Hkv, shape.Nk, shape.D}); }
TensorView ToyProblem::v_view() { return TensorView::contiguous(v.data(), DType::F32, {shape.B, shape.Hkv, shape.Nk, shape.Dv}); }
TensorView ToyProblem::out_view() { return TensorView::contiguous(out.data(), DType::F32, {shape.B, shape.Hq, shape.Nq, shape.Dv}); }
TensorView ToyProblem::kv_len_view() { return TensorView::contiguous(kv_len.data(), DType::I32, {shape.B}); }

Arguments ToyProblem::arguments() {
  Arguments arguments;
  arguments.q = q_view();
  arguments.k = k_view();
  arguments.v = v_view();
  arguments.out = out_view();
  return arguments;
}

bool ToyProblem::out_untouched() const {
  for (const float &element : out) {
    uint32_t bits = 0;
    std::memcpy(&bits, &element, sizeof bits);
    if (bits != kPoisonBits) return false;
  }
  return true;
}

::testing::AssertionResult rejects(const Kernel &kernel, const Arguments &arguments, const ToyProblem &problem,
                                   ErrorCategory category, const std::string &fragment) {
  try {
    kernel(arguments);
  } catch (const Error &error) {
    const std::string message = error.what();
    if (error.category() != category) {
      return ::testing::AssertionFailure() << "category '" << to_string(error.category()) << "', expected '"
                                           << to_string(category) << "': " << message;
    }
    if (message.find(fragment) == std::string::npos) {
      return ::testing::AssertionFailure() << "message lacks \"" << fragment << "\": " << message;
    }
    if (!problem.out_untouched()) {
      return ::testing::AssertionFailure() << "the call was rejected but wrote to the output: " << message;
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "the call was accepted (no attnforge::Error thrown)";
}

} // namespace attnforge::testing
