// An allocator whose blocks start on a 64-byte cache line, as PyTorch's and
// Halide's do. glibc returns large blocks 16 bytes past a page boundary, so
// in a plain std::vector every 64-byte vector load or store of a kernel
// straddles two cache lines: the benchmarks would time that, not the kernel.
#pragma once

#include <cstddef>
#include <new>

namespace attnforge::reference {

template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t cache_line{64};

  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U> &) noexcept {}

  T *allocate(std::size_t count) { return static_cast<T *>(::operator new(count * sizeof(T), cache_line)); }
  // Unsized: clang declares the sized aligned delete only with -fsized-deallocation.
  void deallocate(T *block, std::size_t) noexcept { ::operator delete(block, cache_line); }

  template <typename U>
  bool operator==(const CacheLineAllocator<U> &) const noexcept {
    return true;
  }
};

} // namespace attnforge::reference
