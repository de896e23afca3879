#include "adapters/sodium/sodium_init.h"

#include <sodium.h>

#include <mutex>
#include <stdexcept>

namespace cadenza::sodium {

void EnsureInitialized() {
  static std::once_flag once;
  // A throwing callable leaves the flag unset, so a later call tries again.
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  });
}

}  // namespace cadenza::sodium
