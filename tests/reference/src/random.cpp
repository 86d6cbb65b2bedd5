#include "attnforge/reference/random.hpp"

#include <cstdlib>
#include <stdexcept>

namespace attnforge::reference {

uint64_t fresh_seed() {
  if (const char *replay = std::getenv("ATTNFORGE_TEST_SEED"); replay != nullptr && *replay) {
    char *end = nullptr;
    const uint64_t seed = std::strtoull(replay, &end, 10);
    if (*end != '\0') {
      throw std::invalid_argument(std::string("ATTNFORGE_TEST_SEED: expected an unsigned "
                                              "integer, got '") + replay + "'");
    }
    return seed;
  }
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

Random::Random() : Random(fresh_seed()) {}

Random::Random(uint64_t seed) : seed_(seed), engine_(seed) {}

std::string Random::replay_hint() const {
  return "seed " + std::to_string(seed_) + " (replay: ATTNFORGE_TEST_SEED=" +
         std::to_string(seed_) + ")";
}

float Random::normal() { return normal_(engine_); }

int64_t Random::integer(int64_t low, int64_t high) {
  return std::uniform_int_distribution<int64_t>(low, high)(engine_);
}

} // namespace attnforge::reference
