#pragma once
// Shared set-up for the track, upload and janitor tests: the catalogue of the build's engines
// (unit/support/test_engines.h: SQLite, or PostgreSQL in the engines build), a real
// LocalBlobStore in a fresh temporary folder, the real UrlSigner and IdGenerator, and a clock
// the test moves by hand.
//
// The store is a LocalBlobStore in both builds: these tests drive the flows of a store whose
// URLs Cadenza serves itself (LocalBlobEndpoint behind the /blobs route, the spool folder,
// media relayed from the store), which the composition root mounts only with the local
// store. The flows of a store that serves clients directly, as S3 does, are the tests on
// direct_store_fixture.h, which run on S3 in the engines build.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unit/support/catalog_seed.h"
#include "unit/support/test_fixtures.h"
#include "adapters/localfs/local_blob_store.h"
#include "domain/entities.h"
#include "domain/error.h"
#include "domain/principal.h"
#include "ports/clock.h"
#include "services/blob_janitor.h"
#include "services/id_generator.h"
#include "services/local_blob_endpoint.h"
#include "services/track_service.h"
#include "services/url_signer.h"
#include "unit/support/error_from.h"
#include "unit/support/test_engines.h"

namespace cadenza::track_testing {

inline constexpr Timestamp kStart = 1'800'000'000'000;  // 2027-01-15
inline constexpr std::chrono::seconds kUploadTtl{600};
inline constexpr std::chrono::seconds kStreamTtl{300};

using test_support::ManualClock;
using test_support::TempDir;

// The decoded query parameters of a URL, as the HTTP layer hands them to handlers.
inline std::multimap<std::string, std::string> QueryOf(std::string_view url) {
  std::multimap<std::string, std::string> query;
  std::size_t question = url.find('?');
  if (question == std::string_view::npos) return query;
  auto decode = [](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else if (text[i] == '+') {
        out.push_back(' ');
      } else {
        out.push_back(text[i]);
      }
    }
    return out;
  };
  std::string_view rest = url.substr(question + 1);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    std::size_t eq = pair.find('=');
    query.emplace(decode(pair.substr(0, eq)),
                  eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return query;
}

// The blob key a trackUrl (or a signed URL) names.
inline std::string KeyOf(std::string_view url) {
  std::string prefix = "/blobs/";
  EXPECT_TRUE(url.starts_with(prefix)) << url;
  std::string_view key = url.substr(prefix.size());
  return std::string(key.substr(0, key.find('?')));
}

using test_support::ErrorFrom;

class TrackFixture : public ::testing::Test {
 protected:
  TrackFixture()
      : clock_(kStart),
        catalog_(test_support::OpenTestCatalog(dir_.path())),
        signer_(std::string(48, 'k'), clock_),
        blobs_(dir_.path() / "blobs", LocalBlobUrls{"/blobs/", &signer_}),
        ids_(clock_),
        tracks_(*catalog_, blobs_, ids_, clock_, Options()),
        endpoint_(tracks_.uploads(), blobs_, signer_, clock_) {
    artist_ = AddUser(Role::kArtist);
    other_artist_ = AddUser(Role::kArtist);
    listener_ = AddUser(Role::kListener);
    admin_ = AddUser(Role::kAdmin);
    album_ = AddAlbum(artist_);
    second_album_ = AddAlbum(artist_);
    other_album_ = AddAlbum(other_artist_);
  }

  static TrackOptions Options(std::int64_t max_upload_bytes = 1 << 20) {
    TrackOptions options;
    options.upload_ttl = kUploadTtl;
    options.stream_ttl = kStreamTtl;
    options.max_upload_bytes = max_upload_bytes;
    return options;
  }

  Principal AddUser(Role role) { return test_support::SeedUser(*catalog_, ids_, clock_, role); }
  Album AddAlbum(const Principal& owner) {
    return test_support::SeedAlbum(*catalog_, ids_, clock_, owner);
  }

  // A spooled request body, as the HTTP layer leaves it in the spool folder.
  std::filesystem::path Spool(std::string_view bytes) {
    std::filesystem::path file = blobs_.SpoolDirectory() / ("body-" + ids_.Next());
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
  }

  // What the blob route does for `PUT uploadUrl` with `bytes`.
  StoredUpload Put(const UploadTicket& ticket, std::string_view bytes) {
    SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, KeyOf(ticket.grant.url),
                                         QueryOf(ticket.grant.url));
    return endpoint_.StoreUpload(grant, Spool(bytes));
  }

  Track UploadTrack(const Principal& who, const Album& album, std::string_view bytes,
                    std::string title = "Song") {
    UploadTicket ticket = tracks_.IssueUploadUrl(who);
    Put(ticket, bytes);
    return tracks_.Create(who, NewTrack{album.id, std::move(title), ticket.blob_key, 1});
  }

  std::optional<std::string> ReadBlob(std::string_view key) {
    auto reader = blobs_.Open(key);
    if (!reader) return std::nullopt;
    std::string bytes(static_cast<std::size_t>(reader->size()), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      std::size_t n = reader->ReadAt(static_cast<std::int64_t>(got), bytes.data() + got,
                                     bytes.size() - got);
      if (n == 0) break;
      got += n;
    }
    bytes.resize(got);
    return bytes;
  }

  std::optional<Upload> SlotFor(std::string_view key) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.uploads().FindByBlobKey(key); });
  }

  std::vector<std::string> QueuedDeletions() {
    return catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.blob_deletions().Peek(1000); });
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Catalog> catalog_;
  UrlSigner signer_;
  LocalBlobStore blobs_;
  IdGenerator ids_;
  TrackService tracks_;
  LocalBlobEndpoint endpoint_;
  Principal artist_, other_artist_, listener_, admin_;
  Album album_, second_album_, other_album_;
};

}  // namespace cadenza::track_testing
