#pragma once
// Server configuration. Every setting has one name, spelled `snake_case` in the TOML file,
// `CADENZA_UPPER_CASE` in the environment and `--kebab-case` on the command line. Later
// sources win: built-in defaults < config file < environment < flags.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cadenza::app {

struct Config {
  std::filesystem::path data_dir = "./data";
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string public_url;  // derived from listen when not set
  int io_threads = 1;
  int worker_threads = 0;  // 0: derived from the machine's cores
  std::chrono::seconds token_ttl{3600};
  std::chrono::seconds upload_url_ttl{3600};
  std::chrono::seconds stream_url_ttl{3600};
  std::chrono::seconds upload_claim_grace{3600};
  std::int64_t max_upload_bytes = 2LL << 30;
  std::chrono::seconds janitor_interval{60};
  std::chrono::seconds shutdown_grace{20};
  std::string log_level = "info";

  std::filesystem::path DatabaseFile() const { return data_dir / "cadenza.db"; }
  std::filesystem::path BlobDirectory() const { return data_dir / "blobs"; }
  std::filesystem::path SecretsDirectory() const { return data_dir / "secrets"; }
};

// The names of all settings, for --help and for validating config files.
const std::vector<std::string>& SettingNames();

// Raw settings gathered from one source: name -> text value.
using Settings = std::map<std::string, std::string>;

// Reads a TOML file's top-level keys. Throws std::runtime_error naming the file, line and key
// on a syntax error or an unknown key.
Settings ReadConfigFile(const std::filesystem::path& file);

// CADENZA_* variables from `environ` that name a setting (others are ignored: CADENZA_BIN...).
Settings ReadEnvironment(char** environ_block);

// Builds the configuration from sources in increasing priority. Throws std::runtime_error
// naming the setting and the source when a value does not parse or is out of range.
Config BuildConfig(const std::vector<std::pair<std::string, Settings>>& sources_low_to_high);

}  // namespace cadenza::app
