#include "memory_bandwidth.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <sys/mman.h>

#include "counted.hpp"
#include "isa_choice.hpp"
#include "parallel_timing.hpp"
#include "stream_kernels.hpp"

namespace attnforge::peak {
namespace {

constexpr int64_t mebibyte = int64_t{1} << 20;
// Transparent huge pages are 2 MiB: a buffer aligned to them can be backed by
// them whole.
constexpr int64_t huge_page_bytes = 2 * mebibyte;
// Slices start on 4 KiB pages, a multiple of every kernel's step.
constexpr int64_t slice_granule_floats = 1024;
static_assert(slice_granule_floats % stream_step_floats == 0);

// How many bytes cross the memory bus per float each kernel handles. A read
// moves its 4 bytes. An ordinary store first reads the line it writes for
// ownership (write-allocate), then writes it back when evicted: a copy moves
// source (4) + destination read (4) + destination written (4) = 12 bytes per
// float, where STREAM's convention counts 8. We count the 12 that move,
// since the attention kernels' stores pay them too. (CPUs that skip the
// ownership read for whole-line writes would move 8; then copy's figure is
// 1.5x the true traffic.)
constexpr int64_t read_bytes_per_float = 4;
constexpr int64_t copy_bytes_per_float = 12;

struct Rate {
  double best_gbps = 0;
  double median_gbps = 0;
  Repeat best;
};

struct Measurement {
  int64_t working_set_bytes = 0;
  Rate read;
  Rate copy;
};

// Written, never read: the sums must really be computed, so every load happens.
volatile float result_sink;

struct FreeBuffer {
  void operator()(float *buffer) const { std::free(buffer); }
};

// Huge pages, where the OS grants them (its madvise mode is common), keep
// address translation out of the figure: with 4 KiB pages a stream needs a
// page walk every 64 lines, and the hardware prefetchers stop at each page
// boundary. On the development machines the two differ by less than the
// run-to-run noise (2026-11-27); elsewhere they may not.
std::unique_ptr<float[], FreeBuffer> allocate(int64_t bytes) {
  auto *buffer = static_cast<float *>(std::aligned_alloc(huge_page_bytes, bytes));
  if (buffer) madvise(buffer, bytes, MADV_HUGEPAGE);
  return std::unique_ptr<float[], FreeBuffer>(buffer);
}

Rate rate(int64_t bytes, const Repeats &repeats) {
  return {static_cast<double>(bytes) / repeats.best.seconds * 1e-9,
          static_cast<double>(bytes) / repeats.median_seconds * 1e-9, repeats.best};
}

int64_t whole_granules(int64_t floats) {
  return floats / slice_granule_floats * slice_granule_floats;
}

Measurement measure(const StreamKernel &kernel, const PeakOptions &options, float *buffer,
                    int64_t floats) {
  const int threads = options.threads;
  // Every thread first touches (and so places) the pages it fills, and the
  // page faults happen here, untimed.
  time_on_threads(threads, 1, [&](int t) {
    std::fill(buffer + floats * t / threads, buffer + floats * (t + 1) / threads, 1.0f);
  });

  const int64_t read_slice = whole_granules(floats / threads);
  std::vector<float> sums(threads);
  const Repeats reads = time_on_threads(threads, options.repeats, [&](int t) {
    sums[t] = kernel.read(buffer + t * read_slice, read_slice);
  });
  float total = 0;
  for (float sum : sums) total += sum;
  result_sink = total;

  // The first half is copied into the second, so the copy's working set is
  // the whole buffer too.
  const int64_t half = floats / 2;
  const int64_t copy_slice = whole_granules(half / threads);
  const Repeats copies = time_on_threads(threads, options.repeats, [&](int t) {
    kernel.copy(buffer + t * copy_slice, buffer + half + t * copy_slice, copy_slice);
  });

  return {floats * 4, rate(read_bytes_per_float * read_slice * threads, reads),
          rate(copy_bytes_per_float * copy_slice * threads, copies)};
}

double smallest_cpu_share(const Measurement &result) {
  return std::min(result.read.best.cpu_share, result.copy.best.cpu_share);
}

void print_human(const StreamKernel &kernel, const PeakOptions &options, const Measurement &result) {
  fmt::print("memory bandwidth, {} ({}), {}, {} MiB working set\n", kernel.isa, kernel.cpu_features,
             tools::counted(options.threads, "thread"), result.working_set_bytes / mebibyte);
  fmt::print("  read  best {:8.1f} GB/s  median {:8.1f} GB/s  ({} bytes per float read; best {:.3f} s)\n",
             result.read.best_gbps, result.read.median_gbps, read_bytes_per_float,
             result.read.best.seconds);
  fmt::print("  copy  best {:8.1f} GB/s  median {:8.1f} GB/s  ({} bytes per float copied: source "
             "read, destination read for ownership and written; best {:.3f} s)\n",
             result.copy.best_gbps, result.copy.median_gbps, copy_bytes_per_float,
             result.copy.best.seconds);
  fmt::print("  {} of each; GB = 10^9 bytes\n", tools::counted(options.repeats, "repeat"));
  if (smallest_cpu_share(result) < busy_cpu_share)
    fmt::print("  warning: a thread had only {:.0f}% of a CPU: other work shares these cores, "
               "the bandwidth is understated\n",
               100 * smallest_cpu_share(result));
}

void print_json(const StreamKernel &kernel, const PeakOptions &options, const Measurement &result) {
  fmt::print(
      "{{\"measure\":\"memory\",\"isa\":\"{}\",\"threads\":{},\"working_set_bytes\":{},"
      "\"read_gbps\":{:.2f},\"read_median_gbps\":{:.2f},\"copy_gbps\":{:.2f},"
      "\"copy_median_gbps\":{:.2f},\"read_bytes_per_float\":{},\"copy_bytes_per_float\":{},"
      "\"repeats\":{},\"read_best_seconds\":{:.4f},\"copy_best_seconds\":{:.4f},"
      "\"cpu_share\":{:.3f}}}\n",
      kernel.isa, options.threads, result.working_set_bytes, result.read.best_gbps,
      result.read.median_gbps, result.copy.best_gbps, result.copy.median_gbps,
      read_bytes_per_float, copy_bytes_per_float, options.repeats, result.read.best.seconds,
      result.copy.best.seconds, smallest_cpu_share(result));
}

} // namespace

int report_memory_bandwidth(const PeakOptions &options) {
  const auto kernel = choose_for_isa(stream_kernels(), options.isa);
  if (!kernel) {
    fmt::print(stderr, "attnforge-peak: error: {}\n", no_kernel_message(stream_kernels(), options.isa, "memory "));
    return 2;
  }
  // Whole huge pages, which aligned_alloc also needs (a multiple of the alignment).
  const int64_t bytes = (options.memory_mib * mebibyte + huge_page_bytes - 1) / huge_page_bytes *
                        huge_page_bytes;
  const int64_t floats = bytes / 4;
  if (whole_granules(floats / 2 / options.threads) == 0) {
    fmt::print(stderr, "attnforge-peak: error: --memory-mib {} leaves no 4 KiB slice for each of "
               "{} threads to copy; give at least {} MiB\n", options.memory_mib, options.threads,
               (2 * options.threads * slice_granule_floats * 4 + mebibyte - 1) / mebibyte);
    return 2;
  }
  const auto buffer = allocate(bytes);
  if (!buffer) {
    fmt::print(stderr, "attnforge-peak: error: cannot allocate {} MiB for --memory\n",
               bytes / mebibyte);
    return 2;
  }
  const Measurement result = measure(*kernel, options, buffer.get(), floats);
  if (options.json)
    print_json(*kernel, options, result);
  else
    print_human(*kernel, options, result);
  return 0;
}

} // namespace attnforge::peak
