#pragma once

namespace cadenza::sodium {

// Initialises libsodium once per process; every entry point of this adapter calls it first.
// Thread-safe. Throws std::runtime_error when libsodium cannot initialise (no usable CSPRNG),
// and retries on the next call.
void EnsureInitialized();

}  // namespace cadenza::sodium
