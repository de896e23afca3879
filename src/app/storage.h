#pragma once
// Opens the database and the blob store the settings name: the embedded defaults (SQLite and a
// folder in data_dir) or PostgreSQL and S3-compatible object storage. The only place that
// knows which adapter backs Catalog and BlobStore.
#include <memory>

#include "app/config.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/catalog_seeder.h"

namespace cadenza {
class LocalBlobStore;
}  // namespace cadenza

namespace cadenza::app {

// SQLite at config.DatabaseFile(), or PostgreSQL at database_url. Does not migrate. Throws
// std::runtime_error naming the database (its password hidden) when it cannot be reached.
std::unique_ptr<Catalog> OpenCatalog(const Config& config);

// The bulk loader of the same database as OpenCatalog (`cadenza dev seed`), which must be
// migrated. Throws std::runtime_error naming the database when it cannot be reached.
std::unique_ptr<CatalogSeeder> OpenCatalogSeeder(const Config& config);

struct OpenedBlobStore {
  std::unique_ptr<BlobStore> store;
  LocalBlobStore* local = nullptr;  // `store`, when it is the local folder
};

// The folder config.BlobDirectory(), whose grants `signer` signs, or the S3 bucket of
// blob_store_url (checked at once: a missing bucket or refused credentials throw
// std::runtime_error here, not at the first upload).
OpenedBlobStore OpenBlobStore(const Config& config, const BlobGrantSigner* signer);

}  // namespace cadenza::app
