// attnforge-peak's command line, shared by its two measurements.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

namespace attnforge::peak {

struct PeakOptions {
  std::string isa = "auto";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int repeats = 5;
  bool json = false;
  // Measure the memory bandwidth instead of the FMA peak.
  bool memory = false;
  // 80M rounds of 16 AVX-512 FMAs is 640M cycles on two FMA pipes: about
  // 0.25 s at 2.5 GHz, long enough that thread start-up and timer resolution
  // are noise, short enough to run before every benchmark.
  int64_t iterations = 80'000'000;
  // The bytes every memory repeat streams over, all threads together. Data
  // must come from DRAM, not from the last-level cache: the development
  // machines (KVM guests) report a 260 MiB L3, and a working set four times
  // that leaves nothing of one pass in the cache for the next (each pass
  // evicts the oldest lines first). At their ~30 GB/s a read pass takes
  // ~35 ms, and a whole measurement, first touch included, 1 to 2 s.
  int64_t memory_mib = 1024;
};

} // namespace attnforge::peak
