#pragma once
// The composition root: turns a Config into adapters, services and routes. The only place
// that knows which adapter implements which port.
#include <memory>

#include "app/config.h"
#include "http/router.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "ports/image_processor.h"
#include "ports/transcoder.h"

namespace cadenza {
class AccountService;
class AttemptThrottle;
class BlobJanitor;
class CatalogService;
class EventPump;
class EventRetention;
class EventPublisher;
class EventSubscription;
class OutboxRelay;
class StreamConsumerRunner;
class EventRateLimit;
class ListeningEventService;
class ListeningStats;
class PopularWindowKeeper;
class IdGenerator;
class ImageWorkPool;
class LocalBlobEndpoint;
class LocalBlobStore;
class MediaDelivery;
class MediaTokenSigner;
class IngestWorker;
class PlaylistService;
class SearchService;
class TokenService;
class TrackService;
class UrlSigner;
}  // namespace cadenza

namespace cadenza::api {
class PublicBase;
}  // namespace cadenza::api

namespace cadenza::app {

// The limits applied to uploaded audio, from the max_* settings.
MediaLimits MediaLimitsFrom(const Config& config);
// The transcoder `transcode_sandbox` asks for: a SandboxTranscoder running this binary's
// `sandbox-transcode` command, or the in-process FfmpegTranscoder.
std::unique_ptr<Transcoder> MakeTranscoder(const Config& config);

class Runtime {
 public:
  // Opens the data directory (creating it), the database (migrating it), the blob store and
  // the secrets. Throws std::runtime_error with an operator-readable message on failure.
  explicit Runtime(Config config);
  ~Runtime();

  const Config& config() const { return config_; }
  Catalog& catalog() { return *catalog_; }
  BlobStore& blob_store() { return *blob_store_; }
  AccountService& accounts() { return *accounts_; }
  BlobJanitor& janitor() { return *janitor_; }
  // The transcoding worker (not started: `cadenza serve` and `cadenza worker` start it when
  // the roles include "worker").
  IngestWorker& worker() { return *worker_; }
  // Applies the outbox to the play counts, listening history and popularity (run by the
  // worker role, every events_interval).
  EventPump& event_pump() { return *event_pump_; }
  // With kafka_brokers set and the worker role (else null): the relay publishing the outbox to
  // Kafka and the consumer group member applying Kafka's events, run instead of event_pump().
  OutboxRelay* outbox_relay() { return outbox_relay_.get(); }
  StreamConsumerRunner* stream_consumer() { return stream_consumer_.get(); }
  // With the worker role (else null): prunes the outbox, play-throughs and plays per day, run
  // every janitor_interval.
  EventRetention* event_retention() { return event_retention_.get(); }
  // Moves the popularity window to today; run beside the consumers (worker role).
  PopularWindowKeeper& popular_window() { return *popular_window_; }

  // Every route of the binary (api/route_groups.h lists them by group): those of the groups
  // this process's roles serve answer, the others answer 421 Misdirected Request. The web app
  // (from web_dir, else embedded; throws std::runtime_error for a web_dir that is not a built
  // web app) is served with users or catalog; the system routes always. Throws
  // std::logic_error for a route without a group.
  std::shared_ptr<const http::Router> BuildRouter();

 private:
  // The listening events' services, and the consumers' drivers the worker role runs.
  void BuildEvents();

  Config config_;
  SystemClock clock_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<BlobStore> blob_store_;
  LocalBlobStore* local_blobs_ = nullptr;  // blob_store_ when it is the local store
  std::unique_ptr<PasswordHasher> password_hasher_;
  std::unique_ptr<IdGenerator> ids_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<UrlSigner> url_signer_;
  // Failed logins per account and per client address, sign-ups per address (null: off).
  std::unique_ptr<AttemptThrottle> login_accounts_throttle_;
  std::unique_ptr<AttemptThrottle> login_clients_throttle_;
  std::unique_ptr<AttemptThrottle> registrations_throttle_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<ImageProcessor> images_;
  std::unique_ptr<ImageWorkPool> image_pool_;  // runs images_; outlives its users below
  std::unique_ptr<CatalogService> catalog_service_;
  std::unique_ptr<PlaylistService> playlists_;
  std::unique_ptr<SearchService> search_;
  std::unique_ptr<TrackService> tracks_;
  std::unique_ptr<LocalBlobEndpoint> local_blob_endpoint_;
  std::unique_ptr<MediaTokenSigner> media_signer_;
  std::unique_ptr<MediaDelivery> media_;
  std::unique_ptr<api::PublicBase> public_base_;
  std::unique_ptr<BlobJanitor> janitor_;
  std::unique_ptr<Transcoder> transcoder_;
  std::unique_ptr<IngestWorker> worker_;
  std::unique_ptr<EventRateLimit> event_limit_;
  std::unique_ptr<ListeningEventService> listening_events_;
  std::unique_ptr<ListeningStats> listening_stats_;
  std::unique_ptr<EventPump> event_pump_;
  std::unique_ptr<EventPublisher> event_publisher_;
  std::unique_ptr<EventSubscription> event_subscription_;
  std::unique_ptr<OutboxRelay> outbox_relay_;
  std::unique_ptr<StreamConsumerRunner> stream_consumer_;
  std::unique_ptr<EventRetention> event_retention_;
  std::unique_ptr<PopularWindowKeeper> popular_window_;
};

}  // namespace cadenza::app
