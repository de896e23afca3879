#pragma once
// The catalogue and blob store a service test runs on, chosen when the test binary is built:
// SQLite and a local folder by default; with CADENZA_TEST_ENGINES_REMOTE (the *_engines_tests
// build of the same sources) a fresh PostgreSQL database on the one server this test process
// starts (unit/support/postgres_server.h) and a fresh bucket on the one s3rver it starts
// (unit/support/s3rver_process.h). Each call gives the caller state of its own: tests never
// see each other's rows or blobs.
#include <filesystem>
#include <memory>
#include <string>

#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"

namespace cadenza::test_support {

// An empty, migrated catalogue. SQLite: the file dir/cadenza.db.
std::unique_ptr<Catalog> OpenTestCatalog(const std::filesystem::path& dir);

// An empty blob store that Cadenza serves itself or that serves clients directly, as the
// build has it. Default build: a LocalBlobStore on dir/blobs without grant URLs (Grant throws
// kUnavailable). Engines build: a new bucket; grant expiries are computed on `clock`, which
// must outlive the store.
std::unique_ptr<BlobStore> OpenTestBlobStore(const std::filesystem::path& dir, const Clock& clock);

// An empty blob store that serves clients directly (BlobStore::ServesClientsDirectly), and
// the origin its grant URLs start with, the key following it. Default build: the in-memory
// stand-in for a bucket (unit/support/in_memory_blob_store.h, GrantStyle::kDirect). Engines
// build: a new bucket on s3rver. Either way grants are signed at the moment asked (no
// quantized read grants) and live at most seven days; expiries are computed on `clock`,
// which must outlive the store.
struct DirectTestStore {
  std::unique_ptr<BlobStore> store;
  std::string grant_origin;  // "https://bucket.test/", "http://127.0.0.1:<port>/<bucket>/"
};
DirectTestStore OpenTestDirectBlobStore(const Clock& clock);

}  // namespace cadenza::test_support
