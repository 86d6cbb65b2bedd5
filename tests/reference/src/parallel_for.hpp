// Splits [0, count) over the machine's cores; each index runs on one thread,
// so results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace attnforge::reference {

template <typename Body>
void parallel_for(int64_t count, Body body) {
  const int64_t threads =
      std::min<int64_t>(count, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (int64_t index = 0; index < count; ++index) body(index);
    return;
  }
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    try {
      for (int64_t index = next++; index < count && !failed; index = next++) body(index);
    } catch (...) {
      if (!failed.exchange(true)) failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto &thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

} // namespace attnforge::reference
