// Runs `full` from an installed attnforge on a small problem and checks it
// against a direct float computation: proves the install tree is complete
// (library, headers, package files, plugins found beside the library).
#include <attnforge/attnforge.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

int main() {
  const int B = 1, H = 2, N = 37, D = 64;
  std::mt19937 generator(std::random_device{}());
  std::normal_distribution<float> normal;
  std::vector<float> q(B * H * N * D), k(q.size()), v(q.size()), out(q.size(), NAN);
  for (auto *tensor : {&q, &k, &v})
    for (float &x : *tensor) x = normal(generator);

  attnforge::Registry registry;
  attnforge::Arguments arguments;
  using attnforge::DType;
  using attnforge::TensorView;
  arguments.q = TensorView::contiguous(q.data(), DType::F32, {B, H, N, D});
  arguments.k = TensorView::contiguous(k.data(), DType::F32, {B, H, N, D});
  arguments.v = TensorView::contiguous(v.data(), DType::F32, {B, H, N, D});
  arguments.out = TensorView::contiguous(out.data(), DType::F32, {B, H, N, D});
  registry.kernel("full")(arguments);

  double error = 0, norm = 0;
  for (int h = 0; h < H; ++h)
    for (int i = 0; i < N; ++i) {
      std::vector<double> weights(N);
      double max_score = -INFINITY, sum = 0;
      for (int j = 0; j < N; ++j) {
        double score = 0;
        for (int d = 0; d < D; ++d) score += double(q[(h * N + i) * D + d]) * k[(h * N + j) * D + d];
        weights[j] = score / std::sqrt(double(D));
        max_score = std::max(max_score, weights[j]);
      }
      for (double &w : weights) sum += (w = std::exp(w - max_score));
      for (int d = 0; d < D; ++d) {
        double expected = 0;
        for (int j = 0; j < N; ++j) expected += weights[j] * v[(h * N + j) * D + d];
        expected /= sum;
        const double got = out[(h * N + i) * D + d];
        error += (got - expected) * (got - expected);
        norm += expected * expected;
      }
    }
  const double relative = std::sqrt(error / norm);
  std::printf("consumer: full on [%d, %d, %d, %d], relative error %.3g\n", B, H, N, D, relative);
  return relative <= 1e-5 ? 0 : 1; // NaN fails too
}
