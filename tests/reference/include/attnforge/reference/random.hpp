// Random inputs that are fresh on every run yet replayable: each Random takes
// its seed from $ATTNFORGE_TEST_SEED when set, else from std::random_device,
// and says how to replay it (print `replay_hint()` with any failure).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace attnforge::reference {

class Random {
 public:
  Random();
  explicit Random(uint64_t seed);

  uint64_t seed() const { return seed_; }
  // "seed 1234 (replay: ATTNFORGE_TEST_SEED=1234)"
  std::string replay_hint() const;

  float normal();                          // N(0, 1)
  int64_t integer(int64_t low, int64_t high);  // uniform in [low, high]

 private:
  uint64_t seed_;
  std::mt19937_64 engine_;
  std::normal_distribution<float> normal_{0.0f, 1.0f};
};

// The seed a default-constructed Random uses.
uint64_t fresh_seed();

} // namespace attnforge::reference
