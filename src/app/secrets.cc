#include "app/secrets.h"

#include <cstdio>
#include <optional>
#include <stdexcept>

#include "adapters/localfs/secret_file.h"
#include "app/commands.h"
#include "ports/crypto.h"

namespace cadenza::app {

namespace {

namespace fs = std::filesystem;

std::string LoadShared(const fs::path& dir, std::string_view name) {
  const fs::path file = dir / name;
  std::optional<std::string> secret = LoadSecret(file, kSecretBytes);
  if (!secret) {
    throw std::runtime_error("no " + std::string(name) + " in " + dir.string() +
                             ": run `cadenza secrets init --dir " + dir.string() +
                             "` once and share the folder with every instance");
  }
  return *std::move(secret);
}

std::string LoadKey(const Config& config, std::string_view name) {
  // The default folder belongs to this one server: creating its keys on first start is safe.
  if (config.secrets_dir.empty()) {
    return LoadOrCreateSecret(config.SecretsDirectory() / name, kSecretBytes);
  }
  return LoadShared(config.secrets_dir, name);
}

}  // namespace

Secrets LoadSecrets(const Config& config) {
  Secrets secrets;
  secrets.token = LoadKey(config, kSecretFiles[0]);
  secrets.url = LoadKey(config, kSecretFiles[1]);
  secrets.media = LoadKey(config, kSecretFiles[2]);
  return secrets;
}

std::vector<fs::path> InitSecrets(const fs::path& dir, bool force) {
  if (dir.empty()) throw std::runtime_error("secrets init: --dir must name a folder");
  std::vector<fs::path> files;
  std::string existing;
  for (std::string_view name : kSecretFiles) {
    files.push_back(dir / name);
    std::error_code ec;
    if (fs::symlink_status(files.back(), ec).type() != fs::file_type::not_found) {
      existing += (existing.empty() ? "" : ", ") + std::string(name);
    }
  }
  if (!existing.empty() && !force) {
    throw std::runtime_error(
        dir.string() + " already holds " + existing + "; nothing was written. Rerun with "
        "--force to replace the keys: every token and signed URL issued with them stops "
        "working and everyone must sign in again");
  }
  // All keys are drawn before any file is touched, so a failed draw changes nothing.
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < files.size(); ++i) keys.push_back(crypto::RandomBytes(kSecretBytes));
  for (std::size_t i = 0; i < files.size(); ++i) WriteSecret(files[i], keys[i], force);
  return files;
}

int RunSecretsInit(const std::string& dir, bool force) {
  bool replacing = false;
  for (std::string_view name : kSecretFiles) {
    std::error_code ec;
    replacing |= fs::symlink_status(fs::path(dir) / name, ec).type() != fs::file_type::not_found;
  }
  const std::vector<fs::path> files = InitSecrets(dir, force);
  for (const fs::path& file : files) {
    std::printf("wrote %s (%zu random bytes, mode 0600)\n", file.string().c_str(), kSecretBytes);
  }
  if (replacing) {
    std::printf("the keys were replaced: every access token, upload URL and stream URL issued "
                "before is now invalid, so everyone is signed out; restart every instance\n");
  }
  std::printf("set secrets_dir = \"%s\" on every instance and share the folder with them "
              "(its files must stay mode 0600 and owned by the server's user)\n",
              dir.c_str());
  return 0;
}

}  // namespace cadenza::app
