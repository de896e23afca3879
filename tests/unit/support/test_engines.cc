#include "unit/support/test_engines.h"

#include <stdexcept>

#ifdef CADENZA_TEST_ENGINES_REMOTE
#include <atomic>

#include "adapters/postgres/postgres_catalog.h"
#include "adapters/s3/curl_http.h"
#include "adapters/s3/s3_blob_store.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"
#include "unit/support/s3rver_process.h"
#else
#include "adapters/localfs/local_blob_store.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "unit/support/in_memory_blob_store.h"
#endif

namespace cadenza::test_support {

#ifdef CADENZA_TEST_ENGINES_REMOTE

namespace {

// The one s3rver of this process, started at the first use and stopped at exit.
S3rverProcess& SharedS3rver() {
  static S3rverProcess server(std::vector<std::string>{});
  return server;
}

// A bucket no other store of this process uses, created on the shared s3rver (which takes an
// unsigned CreateBucket).
S3Options NewBucket() {
  static std::atomic<int> buckets{0};
  S3rverProcess& server = SharedS3rver();
  S3Options options = server.Options("services-" + std::to_string(buckets.fetch_add(1)));
  s3::HttpRequest create;
  create.method = "PUT";
  create.url = server.endpoint() + "/" + options.bucket;
  s3::HttpResponse answer = s3::PerformHttp(create);
  if (answer.status != 200) {
    throw std::runtime_error("s3rver did not create bucket " + options.bucket + ": " +
                             std::to_string(answer.status) + " " + answer.body);
  }
  // Signed at the moment asked, as the in-memory stand-in signs: the tests compare the URLs
  // of grants asked for at different times of their manual clocks.
  options.read_grant_period = std::chrono::seconds(0);
  return options;
}

}  // namespace

std::unique_ptr<Catalog> OpenTestCatalog(const std::filesystem::path& /*dir*/) {
  return OpenPostgresCatalog(PostgresOptions{
      .url = SharedPostgresServer().Url(testing::NewMigratedDatabase())});
}

std::unique_ptr<BlobStore> OpenTestBlobStore(const std::filesystem::path& /*dir*/,
                                             const Clock& clock) {
  return OpenS3BlobStore(NewBucket(), clock);
}

DirectTestStore OpenTestDirectBlobStore(const Clock& clock) {
  S3Options options = NewBucket();
  std::string origin = options.endpoint + "/" + options.bucket + "/";
  return DirectTestStore{OpenS3BlobStore(options, clock), std::move(origin)};
}

#else

std::unique_ptr<Catalog> OpenTestCatalog(const std::filesystem::path& dir) {
  auto catalog = OpenSqliteCatalog(dir / "cadenza.db");
  catalog->Migrate();
  return catalog;
}

std::unique_ptr<BlobStore> OpenTestBlobStore(const std::filesystem::path& dir,
                                             const Clock& /*clock*/) {
  return std::make_unique<LocalBlobStore>(dir / "blobs");
}

DirectTestStore OpenTestDirectBlobStore(const Clock& clock) {
  return DirectTestStore{std::make_unique<InMemoryBlobStore>(clock, GrantStyle::kDirect),
                         std::string(InMemoryBlobStore::kDirectOrigin)};
}

#endif

}  // namespace cadenza::test_support
