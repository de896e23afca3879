#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "base/mutex.h"
#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

// New entity ids: UUIDv7 (domain/ids.h) from the clock and the CSPRNG. Ids from one
// generator are strictly increasing, also within one millisecond and when the clock steps
// back (RFC 9562 section 6.2, method 2: the random part is incremented), so creation order
// and id order agree. Thread-safe. `clock` must outlive the generator.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock& clock);

  std::string Next() const;

 private:
  const Clock& clock_;
  mutable Mutex mutex_;
  mutable Timestamp last_ms_ GUARDED_BY(mutex_) = -1;
  mutable std::array<std::uint8_t, 10> last_random_ GUARDED_BY(mutex_){};
};

}  // namespace cadenza
