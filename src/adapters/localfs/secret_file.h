#pragma once
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cadenza {

// Signing secrets, kept in files so tokens and signed URLs survive restarts and can be shared
// by every instance of a cluster. Never in the database: a leaked dump must not let anyone
// forge tokens or URLs.
//
// A secret file is accepted only when it is a regular file (a symbolic link is followed to
// one), owned by the process's effective user, with no permission bits for group or others
// (mode & 077 == 0), of exactly the expected length. Each refusal is a std::runtime_error
// naming the file and the fix (`chmod 600 <file>`, `chown`, restoring the file).

// The raw bytes of `file`, or nullopt when it does not exist. Throws std::runtime_error as
// above and for I/O failures, std::invalid_argument when `bytes` is 0.
std::optional<std::string> LoadSecret(const std::filesystem::path& file, std::size_t bytes);

// Writes `secret` to `file` atomically: the missing parent folders are created (mode 0700),
// the bytes go to a 0600 temp file beside it, are fsynced and then linked into place, and the
// folder is fsynced. Without `replace` an existing file is left alone and std::runtime_error
// ("... already exists") is thrown; with it the file is swapped by rename(2), so a reader sees
// the old secret or the new one, never a mix. Throws std::runtime_error naming the file on I/O
// failures, std::invalid_argument for an empty secret.
void WriteSecret(const std::filesystem::path& file, std::string_view secret, bool replace);

// LoadSecret, and when there is no file, `bytes` random bytes (from the crypto port) written
// as WriteSecret does, without replacing a file another process created meanwhile (that one
// wins and is returned). Throws as LoadSecret does. Meant for start-up; safe to call from
// several processes at once.
std::string LoadOrCreateSecret(const std::filesystem::path& file, std::size_t bytes);

}  // namespace cadenza
