#include "services/id_generator.h"

#include <algorithm>

#include "domain/ids.h"
#include "ports/crypto.h"

namespace cadenza {

namespace {

// MakeUuidV7 overwrites the top 4 bits of random byte 0 (version) and the top 2 bits of
// random byte 2 (variant); the remaining 74 bits form the counter incremented below.
constexpr std::array<std::uint8_t, 10> kCounterMask = {0x0F, 0xFF, 0x3F, 0xFF, 0xFF,
                                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// Adds one to the 74-bit counter; false when it wraps around.
bool Increment(std::array<std::uint8_t, 10>& random) {
  for (int i = 9; i >= 0; --i) {
    const std::uint8_t mask = kCounterMask[i];
    const std::uint8_t low = static_cast<std::uint8_t>(random[i] & mask);
    if (low != mask) {
      // Bits above the mask are overwritten later anyway; clear them for a clean carry.
      random[i] = static_cast<std::uint8_t>(low + 1);
      return true;
    }
    random[i] = 0;
  }
  return false;
}

}  // namespace

IdGenerator::IdGenerator(const Clock& clock) : clock_(clock) {}

std::string IdGenerator::Next() const {
  const std::string fresh = crypto::RandomBytes(10);
  const Timestamp now = clock_.Now();
  MutexLock lock(mutex_);
  if (now > last_ms_) {
    last_ms_ = now;
    std::copy(fresh.begin(), fresh.end(), last_random_.begin());
    // Start the counter in the lower half of its range, so increments cannot realistically
    // run out within one millisecond.
    last_random_[0] &= 0x07;
  } else if (!Increment(last_random_)) {
    ++last_ms_;  // 2^73 ids in one millisecond: borrow the next one
    std::copy(fresh.begin(), fresh.end(), last_random_.begin());
    last_random_[0] &= 0x07;
  }
  return MakeUuidV7(last_ms_, std::string_view(reinterpret_cast<const char*>(last_random_.data()),
                                               last_random_.size()));
}

}  // namespace cadenza
