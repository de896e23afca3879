#pragma once
#include <cstddef>
#include <filesystem>
#include <string>

namespace cadenza {

// The server's signing secret, kept in a file so tokens and signed URLs survive restarts.
//
// When `file` exists it must be a regular file of exactly `bytes` bytes that neither group
// nor others can read or write; its raw bytes are returned. Otherwise the parent folder is
// created (mode 0700), `bytes` random bytes are written to a 0600 temp file beside it, fsynced
// and linked into place without replacing a file another process created meanwhile (that
// one wins and is returned).
//
// Throws std::runtime_error naming the file and the fix (a too-open file: `chmod 600 <file>`;
// a file of the wrong length; I/O failures), and std::invalid_argument when `bytes` is 0.
// Meant for start-up; safe to call from several processes at once.
std::string LoadOrCreateSecret(const std::filesystem::path& file, std::size_t bytes);

}  // namespace cadenza
