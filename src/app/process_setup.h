#pragma once
// Process-wide settings made once at start, before any file or socket is opened.
#include <cstdint>

namespace cadenza::app {

// Everything Cadenza creates (database, blobs, secrets, scratch files, their folders) is
// readable by its owner only: umask 077. Call before anything is created.
void RestrictNewFileModes();

// Raises the soft limit on open descriptors to the hard limit, so that the connection cap,
// not the kernel, decides when clients are refused. Returns the soft limit now in force.
std::uint64_t RaiseOpenFileLimit();

}  // namespace cadenza::app
