#pragma once
// The server's three signing keys: token.key (access tokens), url.key (the local store's
// signed /blobs URLs), media.key (media tokens in /media URLs). Every instance of a cluster
// must hold the same three, so that any of them accepts what another issued.
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"

namespace cadenza::app {

// 64 random bytes per key: far beyond brute force for HMAC-SHA256, and rotation is a file swap.
inline constexpr std::size_t kSecretBytes = 64;
inline constexpr std::array<std::string_view, 3> kSecretFiles = {"token.key", "url.key",
                                                                 "media.key"};

struct Secrets {
  std::string token;
  std::string url;
  std::string media;
};

// The keys in config.SecretsDirectory(). With `secrets_dir` unset (DATA_DIR/secrets), a
// missing key is created, as a single server wants. With it set, a missing key is an error
// that says to run `cadenza secrets init --dir DIR` once and share the folder: instances
// that each invented a key would refuse one another's tokens. Every key file must be a
// regular 0600-style file of this process's user (adapters/localfs/secret_file.h). Throws
// std::runtime_error naming the file and the fix.
Secrets LoadSecrets(const Config& config);

// Creates `dir` (mode 0700) when missing and writes the three key files into it (64 random
// bytes each, mode 0600, atomically). When any of them exists, nothing is written and
// std::runtime_error says so, unless `force`, which replaces all three. Returns the files
// written, in kSecretFiles order.
std::vector<std::filesystem::path> InitSecrets(const std::filesystem::path& dir, bool force);

}  // namespace cadenza::app
