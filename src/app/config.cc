#include "app/config.h"

#include "app/config_parsing.h"
#include "app/event_bus_config.h"
#include "app/storage_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <toml++/toml.h>

namespace cadenza::app {

namespace {

void SetListen(Config& c, const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("expected HOST:PORT, got \"" + text + "\"");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw std::invalid_argument("expected HOST:PORT, got \"" + text + "\"");
  c.listen_host = host;
  c.listen_port = static_cast<std::uint16_t>(ParseInteger(text.substr(colon + 1), 0, 65535));
}

void SetPublicUrl(Config& c, const std::string& text) {
  if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
    throw std::invalid_argument("must start with http:// or https://");
  }
  std::string url = text;
  while (!url.empty() && url.back() == '/') url.pop_back();
  c.public_url = url;
}

// The names `roles` accepts and the flags each sets.
struct RoleName {
  std::string_view name;
  std::vector<bool Config::*> flags;
};

const std::vector<RoleName>& RoleNames() {
  static const std::vector<RoleName> names = {
      {"users", {&Config::role_users}},
      {"catalog", {&Config::role_catalog}},
      {"playlists", {&Config::role_playlists}},
      {"search", {&Config::role_search}},
      {"uploads", {&Config::role_uploads}},
      {"stream", {&Config::role_stream}},
      {"worker", {&Config::role_worker}},
      {"api", {&Config::role_users, &Config::role_catalog, &Config::role_playlists,
               &Config::role_search, &Config::role_uploads, &Config::role_stream}},
      {"media", {&Config::role_stream}},
  };
  return names;
}

void SetRoles(Config& c, const std::string& text) {
  std::vector<bool Config::*> chosen;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string role = text.substr(start, comma - start);
    role.erase(0, role.find_first_not_of(' '));
    role.erase(role.find_last_not_of(' ') + 1);
    auto known = std::find_if(RoleNames().begin(), RoleNames().end(),
                              [&role](const RoleName& r) { return r.name == role; });
    if (known == RoleNames().end()) {
      throw std::invalid_argument(fmt::format(
          "expected a comma list of users, catalog, playlists, search, uploads, stream, worker, "
          "api (users, catalog, playlists, search, uploads and stream) or media (stream); "
          "\"{}\" is not a role (in \"{}\")",
          role, text));
    }
    chosen.insert(chosen.end(), known->flags.begin(), known->flags.end());
    start = comma + 1;
  }
  for (const RoleName& role : RoleNames()) {
    for (bool Config::*flag : role.flags) c.*flag = false;
  }
  for (bool Config::*flag : chosen) c.*flag = true;
}

// A comma list of host names, host:port or .domain entries; empty clears it.
void SetAllowedHosts(Config& c, const std::string& text) {
  std::vector<std::string> hosts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string host = text.substr(start, comma - start);
    host.erase(0, host.find_first_not_of(' '));
    host.erase(host.find_last_not_of(' ') + 1);
    if (!host.empty()) {
      if (host.find_first_of("/@?# \t") != std::string::npos) {
        throw std::invalid_argument("expected host names such as music.example.org, "
                                    "localhost:8080 or .example.org, got \"" + host + "\"");
      }
      hosts.push_back(std::move(host));
    }
    start = comma + 1;
  }
  c.allowed_hosts = std::move(hosts);
}

const SetterTable& Setters() {
  static const SetterTable setters = [] {
    SetterTable table = {
      {"data_dir", [](Config& c, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("must not be empty");
         c.data_dir = v;
       }},
      {"listen", SetListen},
      {"public_url", SetPublicUrl},
      {"io_threads", [](Config& c, const std::string& v) { c.io_threads = static_cast<int>(ParseInteger(v, 1, 64)); }},
      {"worker_threads", [](Config& c, const std::string& v) { c.worker_threads = static_cast<int>(ParseInteger(v, 0, 256)); }},
      {"token_ttl", [](Config& c, const std::string& v) { c.token_ttl = ParseDuration(v); }},
      {"login_failures_per_account", [](Config& c, const std::string& v) { c.login_failures_per_account = static_cast<int>(ParseInteger(v, 0, 1000000)); }},
      {"login_failures_per_address", [](Config& c, const std::string& v) { c.login_failures_per_address = static_cast<int>(ParseInteger(v, 0, 1000000)); }},
      {"registrations_per_address", [](Config& c, const std::string& v) { c.registrations_per_address = static_cast<int>(ParseInteger(v, 0, 1000000)); }},
      {"upload_url_ttl", [](Config& c, const std::string& v) { c.upload_url_ttl = ParseDuration(v); }},
      {"stream_url_ttl", [](Config& c, const std::string& v) { c.stream_url_ttl = ParseDuration(v); }},
      {"upload_claim_grace", [](Config& c, const std::string& v) { c.upload_claim_grace = ParseDuration(v); }},
      {"max_upload_bytes", [](Config& c, const std::string& v) { c.max_upload_bytes = ParseSize(v); }},
      {"max_open_uploads", [](Config& c, const std::string& v) { c.max_open_uploads = ParseInteger(v, 1, 1'000'000); }},
      {"max_stored_bytes", [](Config& c, const std::string& v) { c.max_stored_bytes = ParseSize(v); }},
      {"max_queued_jobs", [](Config& c, const std::string& v) { c.max_queued_jobs = ParseInteger(v, 1, 1'000'000); }},
      {"janitor_interval", [](Config& c, const std::string& v) { c.janitor_interval = ParseDuration(v); }},
      {"max_events_per_minute", [](Config& c, const std::string& v) { c.max_events_per_minute = ParseInteger(v, 0, 1'000'000); }},
      {"events_interval", [](Config& c, const std::string& v) { c.events_interval = ParseDuration(v); }},
      {"events_retention", [](Config& c, const std::string& v) { c.events_retention = v == "0" ? std::chrono::seconds(0) : ParseDuration(v); }},
      {"shutdown_grace", [](Config& c, const std::string& v) { c.shutdown_grace = ParseDuration(v); }},
      {"roles", SetRoles},
      {"max_connections", [](Config& c, const std::string& v) { c.max_connections = static_cast<int>(ParseInteger(v, 1, 1 << 20)); }},
      {"max_connections_per_ip", [](Config& c, const std::string& v) { c.max_connections_per_ip = static_cast<int>(ParseInteger(v, 0, 1 << 20)); }},
      {"min_transfer_rate", [](Config& c, const std::string& v) { c.min_transfer_rate = v == "0" ? 0 : ParseSize(v); }},
      {"allowed_hosts", SetAllowedHosts},
      {"workers", [](Config& c, const std::string& v) { c.workers = static_cast<int>(ParseInteger(v, 1, 256)); }},
      {"worker_threads_per_job", [](Config& c, const std::string& v) { c.worker_threads_per_job = static_cast<int>(ParseInteger(v, 0, 256)); }},
      {"work_dir", [](Config& c, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("must not be empty");
         c.work_dir = v;
       }},
      {"max_duration", [](Config& c, const std::string& v) { c.max_duration = ParseDuration(v); }},
      {"max_channels", [](Config& c, const std::string& v) { c.max_channels = static_cast<int>(ParseInteger(v, 1, 64)); }},
      {"max_sample_rate", [](Config& c, const std::string& v) { c.max_sample_rate = static_cast<int>(ParseInteger(v, 8000, 768000)); }},
      {"probe_size", [](Config& c, const std::string& v) { c.probe_size = ParseSize(v); }},
      {"image_workers", [](Config& c, const std::string& v) { c.image_workers = static_cast<int>(ParseInteger(v, 1, 64)); }},
      {"image_queue", [](Config& c, const std::string& v) { c.image_queue = static_cast<int>(ParseInteger(v, 0, 256)); }},
      {"transcode_sandbox", [](Config& c, const std::string& v) { c.transcode_sandbox = ParseBool(v); }},
      {"transcode_memory_limit", [](Config& c, const std::string& v) { c.transcode_memory_limit = ParseSize(v); }},
      {"job_lease", [](Config& c, const std::string& v) { c.job_lease = ParseDuration(v); }},
      {"web_dir", [](Config& c, const std::string& v) { c.web_dir = v; }},
      {"secrets_dir", [](Config& c, const std::string& v) { c.secrets_dir = v; }},
      {"log_level", [](Config& c, const std::string& v) {
         static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
         if (std::find(levels.begin(), levels.end(), v) == levels.end()) {
           throw std::invalid_argument("must be one of trace, debug, info, warn, error, off");
         }
         c.log_level = v;
       }},
    };
    for (const auto& [name, setter] : StorageSetters()) table.emplace(name, setter);
    for (const auto& [name, setter] : EventBusSetters()) table.emplace(name, setter);
    return table;
  }();
  return setters;
}

std::string EnvName(const std::string& setting) {
  std::string out = "CADENZA_";
  for (char ch : setting) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

}  // namespace

const std::vector<std::string>& SettingNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, setter] : Setters()) out.push_back(name);
    return out;
  }();
  return names;
}

std::vector<std::string> ServedRoles(const Config& config) {
  std::vector<std::string> roles;
  for (const RoleName& role : RoleNames()) {
    // Single-flag names are the roles themselves; "api" and "media" are shorthands.
    bool shorthand = role.name == "api" || role.name == "media";
    if (!shorthand && config.*role.flags.front()) roles.emplace_back(role.name);
  }
  return roles;
}

bool IsHiddenSetting(const std::string& name) { return name == "job_lease"; }

Settings ReadConfigFile(const std::filesystem::path& file) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw std::runtime_error("config file " + file.string() + ":" + std::to_string(where.line) + ": " +
                             std::string(e.description()));
  }
  Settings out;
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    if (!Setters().contains(name)) {
      throw std::runtime_error("config file " + file.string() + ": unknown setting \"" + name + "\"");
    }
    if (auto s = node.value<std::string>(); s && node.is_string()) {
      out[name] = *s;
    } else if (auto i = node.value<std::int64_t>(); i && node.is_integer()) {
      out[name] = std::to_string(*i);
    } else if (auto b = node.value<bool>(); b && node.is_boolean()) {
      out[name] = *b ? "true" : "false";
    } else {
      throw std::runtime_error("config file " + file.string() + ": \"" + name +
                               "\" must be a string or an integer");
    }
  }
  return out;
}

Settings ReadEnvironment(char** environ_block) {
  Settings out;
  if (environ_block == nullptr) return out;
  for (const auto& name : SettingNames()) {
    std::string env = EnvName(name) + "=";
    for (char** e = environ_block; *e != nullptr; ++e) {
      std::string_view entry(*e);
      if (entry.rfind(env, 0) == 0) out[name] = std::string(entry.substr(env.size()));
    }
  }
  return out;
}

Config BuildConfig(const std::vector<std::pair<std::string, Settings>>& sources_low_to_high) {
  Config config;
  for (const auto& [source, settings] : sources_low_to_high) {
    for (const auto& [name, value] : settings) {
      auto it = Setters().find(name);
      if (it == Setters().end()) {
        throw std::runtime_error(fmt::format("{}: unknown setting \"{}\"", source, name));
      }
      try {
        it->second(config, value);
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error(fmt::format("{}: {} {}", source, name, e.what()));
      }
    }
  }
  if (config.worker_threads == 0) {
    // Handlers block on SQLite and Argon2id; a few threads per core keep the I/O threads free.
    config.worker_threads = std::max(4, static_cast<int>(std::thread::hardware_concurrency()) * 2);
  }
  return config;
}

}  // namespace cadenza::app
