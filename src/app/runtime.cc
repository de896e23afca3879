#include "app/runtime.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

#include "adapters/ffmpeg/ffmpeg_image_processor.h"
#include "adapters/localfs/local_blob_store.h"
#include "adapters/sodium/argon2id_password_hasher.h"
#include "api/blob_routes.h"
#include "api/common.h"
#include "api/cover_routes.h"
#include "api/media_routes.h"
#include "api/public_base.h"
#include "api/read_after_write.h"
#include "api/route_groups.h"
#include "api/routes.h"
#include "api/web_routes.h"
#include "app/embedded_web_app.h"
#include "app/event_bus_config.h"
#include "app/secrets.h"
#include "app/storage.h"
#include "http/static_assets.h"
#include "services/account_service.h"
#include "services/attempt_throttle.h"
#include "services/blob_janitor.h"
#include "services/catalog_service.h"
#include "services/events/event_pump.h"
#include "services/events/event_retention.h"
#include "services/events/outbox_relay.h"
#include "services/events/stream_consumer_runner.h"
#include "services/events/listening_events.h"
#include "services/events/listening_stats.h"
#include "services/events/popular_window.h"
#include "services/id_generator.h"
#include "services/image_work_pool.h"
#include "services/local_blob_endpoint.h"
#include "services/media_delivery.h"
#include "services/media_token.h"
#include "services/ingest/ingest_worker.h"
#include "services/playlist_service.h"
#include "services/search_service.h"
#include "services/token_service.h"
#include "services/track_service.h"
#include "services/url_signer.h"

namespace cadenza::app {

namespace {

// Names this process in job leases (the worker adds a per-attempt suffix).
std::string WorkerId() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "host");
  return std::string(host) + ":" + std::to_string(::getpid());
}

IngestOptions IngestOptionsFrom(const Config& config) {
  IngestOptions options;
  options.worker_id = WorkerId();
  options.concurrency = config.workers;
  options.threads_per_job = config.worker_threads_per_job;
  options.lease = config.job_lease;
  // A few renewals per lease, so one late heartbeat does not lose the job.
  options.heartbeat = std::max<std::chrono::seconds>(std::chrono::seconds(1), config.job_lease / 4);
  options.work_dir = config.WorkDirectory();
  options.limits = MediaLimitsFrom(config);
  options.log = [](std::string_view message) { spdlog::info("ingest: {}", message); };
  return options;
}

// A throttle that lets `free_attempts` through before imposing waits; null when 0 (off).
std::unique_ptr<AttemptThrottle> MakeThrottle(const Clock& clock, int free_attempts,
                                              std::chrono::minutes window,
                                              std::chrono::seconds first_wait) {
  if (free_attempts <= 0) return nullptr;
  ThrottlePolicy policy;
  policy.free_attempts = free_attempts;
  policy.window = window;
  policy.first_wait = first_wait;
  policy.max_wait = window;
  return std::make_unique<InMemoryAttemptThrottle>(clock, policy);
}

// The web app from web_dir when set, else the embedded one. A folder without index.html is
// refused: serving it would answer every page with a 404.
std::shared_ptr<const http::StaticAssets> LoadWebApp(const Config& config) {
  if (config.web_dir.empty()) return http::StaticAssets::FromEmbedded(EmbeddedWebApp());
  std::shared_ptr<const http::StaticAssets> app;
  try {
    app = http::StaticAssets::LoadFolder(config.web_dir, crypto::Sha256Hex);
  } catch (const std::exception& error) {
    throw std::runtime_error("web_dir: " + std::string(error.what()));
  }
  if (app->Find("index.html") == nullptr) {
    throw std::runtime_error("web_dir " + config.web_dir.string() +
                             " has no index.html: point it at a built web app");
  }
  spdlog::info("serving the web app from {} ({} files)", config.web_dir.string(), app->size());
  return app;
}

// New data folders are created for their owner only (umask 077); one made by an older version
// or by hand may not be, and the database and blobs in it are then readable by others.
void WarnIfOthersCanRead(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto mode = std::filesystem::status(dir, ec).permissions();
  using std::filesystem::perms;
  if (!ec && (mode & (perms::group_all | perms::others_all)) != perms::none) {
    spdlog::warn("the data directory {} can be read by other users; run chmod 700 on it",
                 dir.string());
  }
}

// Each admitted cover upload holds a request-pool thread while it waits for its decode: the
// queue is shortened so that uploads take at most half of that pool and requests such as
// /healthz always find a thread.
ImageWorkOptions ImageWorkOptionsFrom(const Config& config) {
  ImageWorkOptions options;
  options.workers = config.image_workers;
  options.queue = std::clamp(config.worker_threads / 2 - config.image_workers, 0, config.image_queue);
  if (options.queue < config.image_queue) {
    spdlog::info("image_queue lowered to {} so that cover uploads hold at most half of the {} "
                 "worker_threads", options.queue, config.worker_threads);
  }
  return options;
}

// The origin ("https://host:port") of the URLs a store that serves clients itself hands out,
// which the web app's pages must be allowed to reach; empty for a store Cadenza fronts.
std::string StoreOrigin(BlobStore& store) {
  if (!store.ServesClientsDirectly()) return {};
  BlobGrantRequest probe;
  probe.key = "covers/origin";
  probe.expires_at = SystemClock().Now() + 60'000;
  const std::string url = store.Grant(probe).url;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  return url.substr(0, url.find('/', scheme_end + 3));
}

}  // namespace

MediaLimits MediaLimitsFrom(const Config& config) {
  MediaLimits limits;
  limits.max_duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.max_duration).count();
  limits.max_channels = config.max_channels;
  limits.max_sample_rate = config.max_sample_rate;
  limits.probe_size_bytes = config.probe_size;
  return limits;
}

Runtime::Runtime(Config config) : config_(std::move(config)) {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create data directory " + config_.data_dir.string() + ": " +
                             ec.message());
  }
  WarnIfOthersCanRead(config_.data_dir);
  // Secrets live in files (secrets_dir, shared by a cluster), never in the database: a leaked
  // database dump must not let anyone forge tokens or URLs. Read first, so that an instance
  // missing the cluster's keys stops before it touches the database.
  Secrets secrets = LoadSecrets(config_);
  catalog_ = OpenCatalog(config_);
  int applied = catalog_->Migrate();
  if (applied > 0) spdlog::info("applied {} database migration(s)", applied);

  url_signer_ = std::make_unique<UrlSigner>(secrets.url, clock_);

  // The local store's grants are /blobs URLs signed with url.key; local_blob_endpoint_ (below)
  // serves them with the same signer. An S3 store signs its own URLs.
  OpenedBlobStore blobs = OpenBlobStore(config_, url_signer_.get());
  local_blobs_ = blobs.local;
  blob_store_ = std::move(blobs.store);

  password_hasher_ = std::make_unique<Argon2idPasswordHasher>();
  ids_ = std::make_unique<IdGenerator>(clock_);
  TokenOptions token_options;
  token_options.ttl = config_.token_ttl;
  tokens_ = std::make_unique<TokenService>(secrets.token, token_options, clock_);

  // In memory, per process: enough for one server; several behind a balancer each count
  // their own share.
  login_accounts_throttle_ = MakeThrottle(clock_, config_.login_failures_per_account,
                                          std::chrono::minutes(15), std::chrono::seconds(30));
  login_clients_throttle_ = MakeThrottle(clock_, config_.login_failures_per_address,
                                         std::chrono::minutes(15), std::chrono::seconds(30));
  registrations_throttle_ = MakeThrottle(clock_, config_.registrations_per_address,
                                         std::chrono::minutes(60), std::chrono::seconds(60));
  accounts_ = std::make_unique<AccountService>(
      *catalog_, *password_hasher_, *tokens_, *ids_, clock_, AccountOptions{},
      AccountThrottles{login_accounts_throttle_.get(), login_clients_throttle_.get(),
                       registrations_throttle_.get()});
  images_ = std::make_unique<FfmpegImageProcessor>();
  // Every decode, of an uploaded cover or of a track's embedded picture, runs on the pool.
  image_pool_ = std::make_unique<ImageWorkPool>(*images_, ImageWorkOptionsFrom(config_));
  catalog_service_ =
      std::make_unique<CatalogService>(*catalog_, *blob_store_, *image_pool_, *ids_, clock_);
  playlists_ = std::make_unique<PlaylistService>(*catalog_, *ids_, clock_);
  search_ = std::make_unique<SearchService>(*catalog_);
  TrackOptions track_options;
  track_options.upload_ttl = config_.upload_url_ttl;
  track_options.stream_ttl = config_.stream_url_ttl;
  track_options.max_upload_bytes = config_.max_upload_bytes;
  track_options.limits.max_open_uploads = config_.max_open_uploads;
  track_options.limits.max_stored_bytes = config_.max_stored_bytes;
  track_options.limits.max_queued_jobs = config_.max_queued_jobs;
  tracks_ = std::make_unique<TrackService>(*catalog_, *blob_store_, *ids_, clock_, track_options);
  local_blob_endpoint_ = std::make_unique<LocalBlobEndpoint>(tracks_->uploads(), *blob_store_,
                                                             *url_signer_, clock_);
  media_signer_ = std::make_unique<MediaTokenSigner>(secrets.media, clock_);
  MediaDeliveryOptions media_options;
  media_options.token_ttl = config_.stream_url_ttl;
  media_ = std::make_unique<MediaDelivery>(*catalog_, *blob_store_, *media_signer_, clock_, media_options);
  public_base_ = std::make_unique<api::PublicBase>(config_.public_url);
  JanitorOptions janitor_options;
  janitor_options.claim_grace = config_.upload_claim_grace;
  janitor_ = std::make_unique<BlobJanitor>(*catalog_, *blob_store_, clock_, janitor_options);
  transcoder_ = MakeTranscoder(config_);
  IngestOptions ingest_options = IngestOptionsFrom(config_);
  ingest_options.images = image_pool_.get();
  worker_ = std::make_unique<IngestWorker>(*catalog_, *blob_store_, *transcoder_, clock_,
                                           std::move(ingest_options));
  BuildEvents();
}

void Runtime::BuildEvents() {
  // In memory, per process, like the login throttles.
  event_limit_ = std::make_unique<EventRateLimit>(clock_, config_.max_events_per_minute);
  listening_events_ =
      std::make_unique<ListeningEventService>(*catalog_, clock_, *ids_, *event_limit_);
  listening_stats_ = std::make_unique<ListeningStats>(*catalog_, clock_);
  event_pump_ = std::make_unique<EventPump>(*catalog_, StandardConsumers());
  popular_window_ = std::make_unique<PopularWindowKeeper>(*catalog_, clock_);
  if (config_.role_worker && !config_.kafka_brokers.empty()) {
    event_publisher_ = MakeKafkaPublisher(config_);
    event_subscription_ = MakeKafkaSubscription(config_);
    outbox_relay_ = std::make_unique<OutboxRelay>(*catalog_, *event_publisher_);
    stream_consumer_ = std::make_unique<StreamConsumerRunner>(*catalog_, *event_subscription_, clock_,
                                                              StandardConsumers());
  }
  if (config_.role_worker) {
    EventRetentionOptions retention;
    retention.outbox_retention = config_.events_retention;
    if (outbox_relay_ != nullptr) {
      // The pump does not run beside the relay (Kafka's consumers apply the events), so its
      // positions say nothing: what the relay has published is all that may go.
      retention.require_published = true;
    } else {
      retention.consumers = event_pump_->ConsumerNames();
    }
    event_retention_ = std::make_unique<EventRetention>(*catalog_, clock_, retention);
  }
}

Runtime::~Runtime() = default;

std::shared_ptr<const http::Router> Runtime::BuildRouter() {
  // Every route of the binary goes on `all`; `router` takes those of this process's groups
  // and a 421 for each of the others (api/route_groups.h).
  http::Router all(api::BearerAuthenticator(*accounts_));
  api::RegisterSystemRoutes(all, {[this] { return catalog_->Healthy(); },
                                  [this] { return blob_store_->Healthy(); },
                                  ServedRoles(config_),
                                  [this] { return catalog_->Replicas(); }});
  api::RegisterAccountRoutes(all, *accounts_);
  api::RegisterCatalogRoutes(all, *catalog_service_, image_pool_.get());
  api::RegisterPlaylistRoutes(all, *playlists_);
  api::RegisterSearchRoutes(all, *search_);
  api::RegisterTrackRoutes(all, *tracks_, *media_, *public_base_);
  // The local store's grants point here; a remote store's would point at the store itself.
  if (local_blobs_ != nullptr) {
    api::RegisterBlobRoutes(all, *local_blob_endpoint_, *public_base_,
                            local_blobs_->SpoolDirectory());
  }
  api::RegisterMediaRoutes(all, *media_);
  api::RegisterCoverRoutes(all, *catalog_service_);
  api::RegisterEventRoutes(all, *listening_events_, *listening_stats_);

  api::ServedGroups groups;
  groups.users = config_.role_users;
  groups.catalog = config_.role_catalog;
  groups.playlists = config_.role_playlists;
  groups.search = config_.role_search;
  groups.uploads = config_.role_uploads;
  groups.stream = config_.role_stream;
  auto router = std::make_shared<http::Router>(api::BearerAuthenticator(*accounts_));
  // Clients read their own writes across instances and replicas (api/read_after_write.h).
  const api::ReadAfterWrite read_after(*catalog_, config_.replica_max_lag);
  api::MountServedRoutes(all, groups, *router, &read_after);
  if (groups.Serves(api::RouteGroup::kWebApp)) {
    // The app is this API's client.
    api::RegisterWebRoutes(*router, LoadWebApp(config_), StoreOrigin(*blob_store_));
  } else {
    api::RefuseWebRoutes(*router);
  }
  return router;
}

}  // namespace cadenza::app
