#include "app/storage.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

#include "adapters/localfs/local_blob_store.h"
#include "adapters/postgres/pg_seeder.h"
#include "adapters/postgres/postgres_catalog.h"
#include "adapters/s3/s3_blob_store.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "adapters/sqlite/sqlite_seeder.h"
#include "api/blob_routes.h"
#include "app/storage_config.h"
#include "domain/error.h"

namespace cadenza::app {

namespace {

std::unique_ptr<Catalog> OpenPostgres(const Config& config) {
  PostgresOptions options;
  options.url = config.database_url;
  options.pool_size = config.database_pool_size;
  options.timeout = config.database_timeout;
  options.replica_urls = config.database_replica_urls;
  options.replica_max_lag = config.replica_max_lag;
  options.on_replica_change = [](const Catalog::ReplicaStatus& replica) {
    if (replica.usable) {
      spdlog::info("database replica {} serves reads", replica.server);
    } else {
      spdlog::warn("database replica {} no longer serves reads (unreachable, failing or more "
                   "than replica_max_lag behind)",
                   replica.server);
    }
  };
  try {
    auto catalog = OpenPostgresCatalog(options);
    spdlog::info("database: PostgreSQL at {}, {} read replica(s)",
                 RedactedDatabaseUrl(config.database_url), config.database_replica_urls.size());
    return catalog;
  } catch (const Error& e) {
    throw std::runtime_error("cannot open the database " + RedactedDatabaseUrl(config.database_url) +
                             ": " + e.what());
  }
}

S3Options S3OptionsFrom(const Config& config) {
  S3Location location = ParseS3Url(config.blob_store_url);
  S3Options options;
  options.bucket = location.bucket;
  options.prefix = location.prefix;
  options.endpoint = config.s3_endpoint;
  options.public_endpoint = config.s3_public_endpoint;
  options.region = config.s3_region;
  options.path_style = config.s3_path_style;
  options.access_key_id = config.s3_access_key_id;
  options.secret_access_key = config.s3_secret_access_key;
  options.read_grant_period = config.s3_read_grant_period;
  return options;
}

}  // namespace

std::unique_ptr<Catalog> OpenCatalog(const Config& config) {
  if (!config.database_url.empty()) return OpenPostgres(config);
  return OpenSqliteCatalog(config.DatabaseFile());
}

std::unique_ptr<CatalogSeeder> OpenCatalogSeeder(const Config& config) {
  if (config.database_url.empty()) return OpenSqliteSeeder(config.DatabaseFile());
  try {
    return OpenPostgresSeeder(config.database_url);
  } catch (const Error& e) {
    throw std::runtime_error("cannot open the database " + RedactedDatabaseUrl(config.database_url) +
                             ": " + e.what());
  }
}

OpenedBlobStore OpenBlobStore(const Config& config, const BlobGrantSigner* signer) {
  OpenedBlobStore opened;
  if (config.blob_store_url.empty()) {
    auto local = std::make_unique<LocalBlobStore>(
        config.BlobDirectory(), LocalBlobUrls{std::string(api::kBlobRoutePrefix), signer});
    opened.local = local.get();
    opened.store = std::move(local);
    return opened;
  }
  if (config.s3_access_key_id.empty() || config.s3_secret_access_key.empty()) {
    throw std::runtime_error("blob_store_url " + config.blob_store_url +
                             " needs s3_access_key_id and s3_secret_access_key (or "
                             "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  try {
    opened.store = OpenS3BlobStore(S3OptionsFrom(config));
  } catch (const Error& e) {
    throw std::runtime_error("cannot open the blob store " + config.blob_store_url + ": " + e.what());
  }
  spdlog::info("blob store: {} at {}", config.blob_store_url,
               config.s3_endpoint.empty() ? "AWS" : config.s3_endpoint);
  return opened;
}

}  // namespace cadenza::app
