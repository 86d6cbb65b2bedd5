// Reads a fuzzer's bytes as a sequence of small decisions. Every decision
// has a meaning even when the bytes run out (numbers read as 0 and chances
// as false: the plainest choice), so any byte string, the empty one
// included, decodes to a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace attnforge::fuzz {

class FuzzBytes {
 public:
  explicit FuzzBytes(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  // A number in [0, count): one byte when count fits in a byte, two otherwise.
  uint64_t below(uint64_t count) {
    if (count <= 1) return 0;
    uint64_t raw = next();
    if (count > 256) raw = raw << 8 | next();
    return raw % count;
  }
  int64_t between(int64_t low, int64_t high) { return low + static_cast<int64_t>(below(high - low + 1)); }
  bool chance(unsigned out_of) { return below(out_of) == out_of - 1; }
  template <typename T>
  T one_of(std::initializer_list<T> choices) {
    return choices.begin()[below(choices.size())];
  }
  uint64_t word() {
    uint64_t value = 0;
    for (int n = 0; n < 8; ++n) value = value << 8 | next();
    return value;
  }

 private:
  uint8_t next() { return position_ < bytes_.size() ? bytes_[position_++] : 0; }

  std::span<const uint8_t> bytes_;
  size_t position_ = 0;
};

// A decoder's first decision: which of its `count` breakages (0: none) the
// call has. Half of all first bytes mean none, so as many byte strings
// decode to valid calls as to broken ones.
inline int decode_breakage(FuzzBytes &bytes, int count) {
  const auto pick = static_cast<int>(bytes.below(2 * static_cast<uint64_t>(count)));
  return pick < count ? pick : 0;
}

// One of a breakage's forms, by the call's choice number.
template <typename T>
T nth_form(uint64_t choice, std::initializer_list<T> forms) {
  return forms.begin()[choice % forms.size()];
}

} // namespace attnforge::fuzz
