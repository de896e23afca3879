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
  // Empty: URLs handed out are built on the origin each client used (api/public_base.h).
  std::string public_url;
  int io_threads = 1;
  int worker_threads = 0;  // 0: derived from the machine's cores
  std::chrono::seconds token_ttl{3600};
  // Failed logins for one email, and from one client address, before each further attempt
  // must wait (30 s, doubling up to 15 min; forgotten after 15 quiet minutes); 0 = no limit.
  int login_failures_per_account = 5;
  int login_failures_per_address = 20;
  // Sign-ups from one client address before each further one must wait (1 min, doubling up
  // to 1 h; forgotten after an hour without one); 0 = no limit.
  int registrations_per_address = 10;
  std::chrono::seconds upload_url_ttl{3600};
  std::chrono::seconds stream_url_ttl{6 * 3600};  // outlives a 2 h track with pauses
  std::chrono::seconds upload_claim_grace{3600};
  std::int64_t max_upload_bytes = 2LL << 30;
  // Per-account limits (administrators are exempt): upload URLs neither claimed nor expired,
  // bytes stored (originals, renditions, unclaimed uploads), transcode jobs queued or running.
  std::int64_t max_open_uploads = 20;
  std::int64_t max_stored_bytes = 20LL << 30;
  std::int64_t max_queued_jobs = 50;
  std::chrono::seconds janitor_interval{60};
  // Listening events one account may send per minute (POST /api/v1/events); 0 = no limit.
  std::int64_t max_events_per_minute = 600;
  // How often the worker role applies new outbox records to the play counts, listening
  // history and popularity.
  std::chrono::seconds events_interval{1};
  // How long outbox records are kept once every consumer (and, with kafka_brokers, the relay)
  // is done with them; the worker role prunes them every janitor_interval. 0 keeps them all.
  std::chrono::seconds events_retention{std::chrono::hours(24 * 7)};
  std::chrono::seconds shutdown_grace{20};
  std::string log_level = "info";
  // Connection limits: open connections in all and from one client IP (0: no per-IP cap),
  // and the slowest average rate, in bytes per second, at which a body may be sent or read
  // once the first 10 s have passed (0: only the idle limit applies).
  int max_connections = 4096;
  int max_connections_per_ip = 256;
  std::int64_t min_transfer_rate = 1024;
  // Host names requests may name (empty: any); see http::ServerOptions::allowed_hosts.
  std::vector<std::string> allowed_hosts;
  // The built web app served at / (a folder as `npm --prefix web run build` writes it, with
  // optional .gz/.br siblings); empty = the one embedded in the binary at build time.
  std::filesystem::path web_dir;
  // Where token.key, url.key and media.key live. Empty: DATA_DIR/secrets, created on first
  // start. Set, it is a folder `cadenza secrets init` filled and every instance of a cluster
  // shares; a missing key is then an error, never generated (app/secrets.h).
  std::filesystem::path secrets_dir;

  // Process roles (setting `roles`, a comma list; default all): the route groups this
  // process serves, "users" (sign-up, login, accounts), "catalog" (artists, albums, track
  // metadata), "playlists", "search" (GET /api/v1/search), "uploads" (upload URLs, creating
  // and replacing tracks' audio, the local store's /blobs PUT), "stream" (stream URLs, /media,
  // /covers, the local store's /blobs GET), and "worker" (the embedded transcoding worker).
  // "api" names the six route groups, "media" is "stream". api/route_groups.h maps each route
  // to its group.
  bool role_users = true;
  bool role_catalog = true;
  bool role_playlists = true;
  bool role_search = true;
  bool role_uploads = true;
  bool role_stream = true;
  bool role_worker = true;
  int workers = 1;                 // transcode jobs run at once by this process
  int worker_threads_per_job = 0;  // encoder threads per job; 0 = the machine's cores
  std::filesystem::path work_dir;  // transcoding scratch space; empty = DATA_DIR/work
  std::chrono::seconds max_duration{2 * 3600};  // longest accepted upload
  int max_channels = 8;
  int max_sample_rate = 192000;
  std::int64_t probe_size = 5 << 20;  // bytes FFmpeg may read to identify an upload
  // Cover images are decoded on image_workers threads of their own; image_queue more cover
  // uploads may wait for one (fewer when the request pool is small, see app/runtime.cc), and
  // further ones are refused with 503 before their body is read.
  int image_workers = 2;
  int image_queue = 2;
  // Decode and encode uploads in a confined child process (adapters/sandbox); false runs
  // FFmpeg inside this process, beside the secrets.
  bool transcode_sandbox = true;
  std::int64_t transcode_memory_limit = 2LL << 30;  // the child's address space (RLIMIT_AS)
  // How long a worker's job lease lasts without a heartbeat (a killed worker's job is taken
  // again after it). An operational knob kept out of --help; tests shorten it.
  std::chrono::seconds job_lease{60};

  // Where metadata and media live (app/storage_config.h). An empty database_url is SQLite at
  // DatabaseFile(); a postgresql:// URI selects PostgreSQL, with reads spread over
  // database_replica_urls that lag the primary by at most replica_max_lag.
  std::string database_url;
  std::vector<std::string> database_replica_urls;
  int database_pool_size = 10;
  std::chrono::milliseconds database_timeout{5000};
  std::chrono::milliseconds replica_max_lag{5000};
  // Empty: a folder, BlobDirectory(). s3://BUCKET[/PREFIX]: an S3-compatible store at
  // s3_endpoint (empty: AWS), which then serves uploads and media to clients itself.
  std::string blob_store_url;
  std::string s3_endpoint;
  // The base URL clients reach the store at, when not s3_endpoint (a CDN or edge in front
  // of it): the signed URLs Cadenza hands out name it. Empty: s3_endpoint.
  std::string s3_public_endpoint;
  std::string s3_region = "us-east-1";
  bool s3_path_style = false;
  std::string s3_access_key_id;
  std::string s3_secret_access_key;
  // Read grants (pre-signed GETs) are signed at the start of such a period and expire at the
  // end of the period in which the media token expires, so clients asking within one period
  // get the same URL and an edge can cache it. 0: signed at the moment, expiring with the token.
  std::chrono::seconds s3_read_grant_period{3600};

  // The event bus (app/event_bus_config.h). Empty kafka_brokers: the embedded bus. Set (a
  // comma list of HOST:PORT), events go through Kafka to the topics <kafka_topic_prefix>listening
  // and <kafka_topic_prefix>catalog; a publish not acknowledged within kafka_timeout fails.
  std::string kafka_brokers;
  std::string kafka_topic_prefix = "cadenza.";
  std::chrono::milliseconds kafka_timeout{10000};
  // With kafka_brokers set, the worker role relays the outbox to Kafka and applies the events
  // to the play counts, history and popularity as a member of this consumer group.
  std::string kafka_group_id = "cadenza";

  std::filesystem::path DatabaseFile() const { return data_dir / "cadenza.db"; }
  std::filesystem::path BlobDirectory() const { return data_dir / "blobs"; }
  std::filesystem::path SecretsDirectory() const {
    return secrets_dir.empty() ? data_dir / "secrets" : secrets_dir;
  }
  std::filesystem::path WorkDirectory() const { return work_dir.empty() ? data_dir / "work" : work_dir; }
};

// The names of all settings, for --help and for validating config files.
const std::vector<std::string>& SettingNames();
// Settings that work like the others but are left out of --help (operational knobs).
bool IsHiddenSetting(const std::string& name);

// The roles `config` serves, in the order users, catalog, playlists, search, uploads, stream,
// worker
// ("api" and "media" spelled out).
std::vector<std::string> ServedRoles(const Config& config);

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
