#include "services/catalog_service.h"

#include <gtest/gtest.h>

#include "account_test_env.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

class CatalogServiceTest : public test_env::ServiceTestEnv {
 protected:
  void SetUp() override {
    ServiceTestEnv::SetUp();
    listener_ = NewAccount(Role::kListener);
    artist_ = NewAccount(Role::kArtist);
    other_artist_ = NewAccount(Role::kArtist);
    admin_ = NewAccount(Role::kAdmin);
  }

  Principal listener_, artist_, other_artist_, admin_;
};

TEST_F(CatalogServiceTest, ArtistAccountsCreateArtistsTheyOwn) {
  Artist band = catalogue_->CreateArtist(artist_, ArtistDraft{"  The Band ", "Line one\nLine two"});
  EXPECT_EQ(band.name, "The Band");
  EXPECT_EQ(band.bio, "Line one\nLine two");
  EXPECT_EQ(band.owner_user_id, artist_.user_id);

  Artist read = catalogue_->GetArtist(listener_, band.id);
  EXPECT_EQ(read.name, "The Band");
  EXPECT_EQ(read.owner_user_id, artist_.user_id);
}

TEST_F(CatalogServiceTest, ListenersCannotCreateArtistsOrAlbums) {
  Error e = ErrorFrom([&] {
    catalogue_->CreateArtist(listener_, ArtistDraft{"Nope", std::nullopt});
  });
  EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  Artist band = NewArtist(artist_);
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateAlbum(listener_, AlbumDraft{band.id, "X", std::nullopt});
            }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->UpdateArtist(listener_, band.id, ArtistPatch{"Y", std::nullopt});
            }).code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(CatalogServiceTest, ArtistFieldsAreValidatedByName) {
  Error empty = ErrorFrom([&] {
    catalogue_->CreateArtist(artist_, ArtistDraft{"   ", std::nullopt});
  });
  EXPECT_EQ(empty.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.field(), "name");
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateArtist(artist_, ArtistDraft{std::string(201, 'n'), std::nullopt});
            }).field(),
            "name");
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateArtist(artist_, ArtistDraft{"Two\nLines", std::nullopt});
            }).field(),
            "name");
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateArtist(artist_, ArtistDraft{"Bell\a", std::nullopt});
            }).field(),
            "name");
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateArtist(artist_, ArtistDraft{"B", std::string(5001, 'b')});
            }).field(),
            "bio");
  EXPECT_NO_THROW(catalogue_->CreateArtist(
      artist_, ArtistDraft{std::string(200, 'n'), std::string(5000, 'b')}));
}

TEST_F(CatalogServiceTest, OwnersAndAdminsUpdateAndDeleteArtists) {
  Artist band = catalogue_->CreateArtist(artist_, ArtistDraft{"Band", "Old bio"});
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->UpdateArtist(other_artist_, band.id, ArtistPatch{"Stolen", std::nullopt});
            }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->DeleteArtist(other_artist_, band.id); }).code(),
            ErrorCode::kPermissionDenied);

  Artist renamed = catalogue_->UpdateArtist(artist_, band.id, ArtistPatch{"Renamed", std::nullopt});
  EXPECT_EQ(renamed.name, "Renamed");
  EXPECT_EQ(renamed.bio, "Old bio");  // absent members are left alone
  Artist cleared = catalogue_->UpdateArtist(admin_, band.id, ArtistPatch{std::nullopt, ""});
  EXPECT_FALSE(cleared.bio.has_value());
  EXPECT_EQ(catalogue_->GetArtist(listener_, band.id).name, "Renamed");

  catalogue_->DeleteArtist(admin_, band.id);
  Error gone = ErrorFrom([&] { catalogue_->GetArtist(listener_, band.id); });
  EXPECT_EQ(gone.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(gone.what(), "artist not found");
}

TEST_F(CatalogServiceTest, AlbumsNeedAnExistingArtistOwnedByTheCaller) {
  Artist band = NewArtist(artist_);
  Error missing = ErrorFrom([&] {
    catalogue_->CreateAlbum(artist_, AlbumDraft{ids_.Next(), "Lost", std::nullopt});
  });
  EXPECT_EQ(missing.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(missing.field(), "artistId");
  EXPECT_STREQ(missing.what(), "artist not found");

  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateAlbum(other_artist_, AlbumDraft{band.id, "Mine?", std::nullopt});
            }).code(),
            ErrorCode::kPermissionDenied);

  Album album = catalogue_->CreateAlbum(artist_, AlbumDraft{band.id, " Debut ", "2024-02-29"});
  EXPECT_EQ(album.title, "Debut");
  EXPECT_EQ(album.release_date, "2024-02-29");
  EXPECT_EQ(album.artist_id, band.id);
  EXPECT_NO_THROW(
      catalogue_->CreateAlbum(admin_, AlbumDraft{band.id, "By the admin", std::nullopt}));
}

TEST_F(CatalogServiceTest, ReleaseDatesMustBeCalendarDates) {
  Artist band = NewArtist(artist_);
  for (const char* date : {"2023-02-29", "2024-13-01", "2024-04-31", "2024-1-1", "24-01-01",
                           "2024/01/01", "2024-01-01T00:00:00Z", "0000-01-01", "yesterday"}) {
    Error e = ErrorFrom([&] { catalogue_->CreateAlbum(artist_, AlbumDraft{band.id, "T", date}); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << date;
    EXPECT_EQ(e.field(), "releaseDate") << date;
  }
  EXPECT_NO_THROW(catalogue_->CreateAlbum(artist_, AlbumDraft{band.id, "T", "2000-02-29"}));
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->CreateAlbum(artist_, AlbumDraft{band.id, "", std::nullopt});
            }).field(),
            "title");
}

TEST_F(CatalogServiceTest, AnArtistCannotChangeAnothersAlbumButAnAdminCan) {
  Artist band = NewArtist(artist_);
  Album album = NewAlbum(artist_, band.id);
  AlbumPatch patch;
  patch.title = "Hijacked";
  EXPECT_EQ(ErrorFrom([&] { catalogue_->UpdateAlbum(other_artist_, album.id, patch); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->DeleteAlbum(other_artist_, album.id); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(catalogue_->GetAlbum(listener_, album.id).album.title, "First Album");

  patch.title = "Remastered";
  patch.release_date = "1999-12-31";
  Album updated = catalogue_->UpdateAlbum(admin_, album.id, patch);
  EXPECT_EQ(updated.title, "Remastered");
  EXPECT_EQ(updated.release_date, "1999-12-31");

  AlbumPatch clear;
  clear.release_date = "";
  EXPECT_FALSE(catalogue_->UpdateAlbum(artist_, album.id, clear).release_date.has_value());

  catalogue_->DeleteAlbum(artist_, album.id);
  Error gone = ErrorFrom([&] { catalogue_->GetAlbum(listener_, album.id); });
  EXPECT_EQ(gone.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(gone.what(), "album not found");
}

TEST_F(CatalogServiceTest, MovingAnAlbumRequiresOwningBothArtists) {
  Artist mine = NewArtist(artist_, "Mine");
  Artist also_mine = NewArtist(artist_, "Also mine");
  Artist theirs = NewArtist(other_artist_, "Theirs");
  Album album = NewAlbum(artist_, mine.id);

  AlbumPatch to_theirs;
  to_theirs.artist_id = theirs.id;
  EXPECT_EQ(ErrorFrom([&] { catalogue_->UpdateAlbum(artist_, album.id, to_theirs); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(catalogue_->GetAlbum(artist_, album.id).album.artist_id, mine.id);

  AlbumPatch to_nowhere;
  to_nowhere.artist_id = ids_.Next();
  Error missing = ErrorFrom([&] { catalogue_->UpdateAlbum(artist_, album.id, to_nowhere); });
  EXPECT_EQ(missing.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(missing.field(), "artistId");

  AlbumPatch to_also_mine;
  to_also_mine.artist_id = also_mine.id;
  EXPECT_EQ(catalogue_->UpdateAlbum(artist_, album.id, to_also_mine).artist_id, also_mine.id);
  EXPECT_EQ(catalogue_->UpdateAlbum(admin_, album.id, to_theirs).artist_id, theirs.id);
}

TEST_F(CatalogServiceTest, GetAlbumListsItsTracksInPlayOrder) {
  Artist band = NewArtist(artist_);
  Album album = NewAlbum(artist_, band.id);
  Album other = NewAlbum(artist_, band.id, "Other");
  Track unnumbered = NewTrack(album.id, "Bonus");
  Track second = NewTrack(album.id, "Second", 2);
  Track first = NewTrack(album.id, "First", 1);
  NewTrack(other.id, "Elsewhere", 1);

  AlbumWithTracks got = catalogue_->GetAlbum(listener_, album.id);
  ASSERT_EQ(got.tracks.size(), 3u);
  EXPECT_EQ(got.tracks[0].id, first.id);
  EXPECT_EQ(got.tracks[1].id, second.id);
  EXPECT_EQ(got.tracks[2].id, unnumbered.id);
}

TEST_F(CatalogServiceTest, ListsPageThroughArtistsAndAlbums) {
  Artist a = NewArtist(artist_, "A");
  Artist b = NewArtist(other_artist_, "B");
  Artist c = NewArtist(artist_, "C");
  PageRequest page;
  page.limit = 2;
  Page<Artist> first = catalogue_->ListArtists(listener_, page);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, a.id);
  EXPECT_EQ(first.items[1].id, b.id);
  ASSERT_TRUE(first.next_after_id);
  page.after_id = first.next_after_id;
  Page<Artist> second = catalogue_->ListArtists(listener_, page);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, c.id);

  Album a1 = NewAlbum(artist_, a.id, "A1");
  NewAlbum(other_artist_, b.id, "B1");
  Album a2 = NewAlbum(artist_, a.id, "A2");
  Page<Album> of_a = catalogue_->ListAlbumsByArtist(listener_, a.id, PageRequest{});
  ASSERT_EQ(of_a.items.size(), 2u);
  EXPECT_EQ(of_a.items[0].id, a1.id);
  EXPECT_EQ(of_a.items[1].id, a2.id);
  EXPECT_EQ(catalogue_->ListAlbums(listener_, PageRequest{}).items.size(), 3u);
  EXPECT_EQ(ErrorFrom([&] {
              catalogue_->ListAlbumsByArtist(listener_, ids_.Next(), PageRequest{});
            }).code(),
            ErrorCode::kNotFound);
}

TEST_F(CatalogServiceTest, DeletingAnArtistRemovesItsAlbumsAndTracks) {
  Artist band = NewArtist(artist_);
  Album album = NewAlbum(artist_, band.id);
  Track track = NewTrack(album.id, "Song", 1);
  catalogue_->DeleteArtist(artist_, band.id);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->GetAlbum(listener_, album.id); }).code(),
            ErrorCode::kNotFound);
  catalog_->Read([&](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.tracks().FindById(track.id));
    std::vector<std::string> queued = tx.blob_deletions().Peek(10);
    EXPECT_EQ(queued, std::vector<std::string>{track.blob_key});
  });
}

}  // namespace
}  // namespace cadenza
