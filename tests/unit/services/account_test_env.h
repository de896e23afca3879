#pragma once
// A real service stack for the account, catalogue and playlist tests: the catalogue and blob
// store of the build's engines (unit/support/test_engines.h: SQLite and a folder, or
// PostgreSQL and S3 in the engines build), Argon2id at its minimum cost, the real
// TokenService and IdGenerator.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "adapters/sodium/argon2id_password_hasher.h"
#include "adapters/localfs/local_blob_store.h"
#include "domain/error.h"
#include "ports/clock.h"
#include "adapters/ffmpeg/ffmpeg_image_processor.h"
#include "services/account_service.h"
#include "services/catalog_service.h"
#include "services/id_generator.h"
#include "services/playlist_service.h"
#include "services/token_service.h"
#include "unit/support/test_fixtures.h"
#include "unit/support/error_from.h"
#include "unit/support/test_engines.h"

namespace cadenza::test_env {

using test_support::ErrorFrom;

class ServiceTestEnv : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "correct horse battery";

  void SetUp() override {
    catalog_ = test_support::OpenTestCatalog(dir_);
    blobs_ = relayed_blobs_ ? std::make_unique<LocalBlobStore>(dir_ / "blobs")
                            : test_support::OpenTestBlobStore(dir_, clock_);
    accounts_ = std::make_unique<AccountService>(*catalog_, hasher_, tokens_, ids_, clock_);
    catalogue_ = std::make_unique<CatalogService>(*catalog_, *blobs_, images_, ids_, clock_);
    playlists_ = std::make_unique<PlaylistService>(*catalog_, ids_, clock_);
  }

  void TearDown() override {
    playlists_.reset();
    catalogue_.reset();
    accounts_.reset();
    catalog_.reset();
    blobs_.reset();
  }

  // A new account of `role` (admins included), as the principal a token for it would give.
  Principal NewAccount(Role role, const std::string& name = "") {
    std::string local = name.empty() ? "user" + std::to_string(++account_count_) : name;
    User user = accounts_->CreateUser(local + "@example.com", kPassword, local, role);
    return Principal{user.id, user.role};
  }

  Artist NewArtist(const Principal& owner, const std::string& name = "The Band") {
    return catalogue_->CreateArtist(owner, ArtistDraft{name, std::nullopt});
  }

  Album NewAlbum(const Principal& owner, const std::string& artist_id,
                 const std::string& title = "First Album") {
    return catalogue_->CreateAlbum(owner, AlbumDraft{artist_id, title, std::nullopt});
  }

  // Tracks come from the upload flow in production; here they are inserted as rows.
  Track NewTrack(const std::string& album_id, const std::string& title,
                 std::optional<int> number = std::nullopt) {
    Track track;
    track.id = ids_.Next();
    track.album_id = album_id;
    track.title = title;
    track.track_number = number;
    track.blob_key = "originals/" + track.id + ".flac";
    track.blob_size = 1234;
    track.created_at = track.updated_at = clock_.Now();
    catalog_->Write([&](CatalogTransaction& tx) { tx.tracks().Insert(track); });
    return track;
  }

  test_support::TempDir temp_;
  const std::filesystem::path dir_ = temp_.path();
  SystemClock clock_;
  IdGenerator ids_{clock_};
  Argon2idPasswordHasher hasher_{Argon2idLimits::Minimum()};
  TokenService tokens_{std::string(48, 's'), TokenOptions{}, clock_};
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<BlobStore> blobs_;
  FfmpegImageProcessor images_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<CatalogService> catalogue_;
  std::unique_ptr<PlaylistService> playlists_;
  int account_count_ = 0;
  // Set before SetUp by tests of what Cadenza does with a store it relays blobs from (the
  // local store in both builds), since a store that serves clients directly is never read
  // from for them.
  bool relayed_blobs_ = false;
};

}  // namespace cadenza::test_env
