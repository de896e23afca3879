#include "services/playlist_service.h"

#include <gtest/gtest.h>

#include "account_test_env.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

class PlaylistServiceTest : public test_env::ServiceTestEnv {
 protected:
  void SetUp() override {
    ServiceTestEnv::SetUp();
    owner_ = NewAccount(Role::kListener, "owner");
    stranger_ = NewAccount(Role::kListener, "stranger");
    admin_ = NewAccount(Role::kAdmin, "admin");
    Principal label = NewAccount(Role::kArtist, "label");
    Album album = NewAlbum(label, NewArtist(label).id);
    for (int i = 0; i < 5; ++i)
      tracks_.push_back(NewTrack(album.id, "T" + std::to_string(i), i + 1));
  }

  Playlist NewPlaylist(const Principal& who, bool is_public, const std::string& name = "Mix") {
    return playlists_->Create(who, PlaylistDraft{name, std::nullopt, is_public});
  }

  std::vector<std::string> Ids(std::initializer_list<int> indexes) {
    std::vector<std::string> ids;
    for (int i : indexes) ids.push_back(tracks_[i].id);
    return ids;
  }

  // The playlist's track ids in order, checking that positions are dense from 0.
  static std::vector<std::string> Order(const PlaylistWithEntries& playlist) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < playlist.entries.size(); ++i) {
      EXPECT_EQ(playlist.entries[i].position, static_cast<int>(i));
      ids.push_back(playlist.entries[i].track.id);
    }
    return ids;
  }

  Principal owner_, stranger_, admin_;
  std::vector<Track> tracks_;
};

TEST_F(PlaylistServiceTest, ChangesAreRecordedAsEventsInTheirTransactions) {
  Playlist playlist = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, playlist.id, Ids({0, 1}), std::nullopt);
  playlists_->MoveEntry(owner_, playlist.id, 0, 1);
  playlists_->RemoveEntry(owner_, playlist.id, 0);
  playlists_->Update(owner_, playlist.id, PlaylistPatch{.name = "Renamed"});
  // Refused changes record nothing.
  EXPECT_THROW(playlists_->Delete(stranger_, playlist.id), Error);
  playlists_->Delete(owner_, playlist.id);
  auto records = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.events().ListAfter(0, 100); });
  std::vector<std::string> seen;
  for (const OutboxRecord& r : records) {
    EXPECT_EQ(r.event.user_id, owner_.user_id);
    EXPECT_EQ(r.event.subject_id, playlist.id);
    seen.push_back(r.event.type + r.event.attributes_json);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "playlist_created{}", R"(playlist_changed{"change":"tracks_added"})",
                      R"(playlist_changed{"change":"entry_moved"})",
                      R"(playlist_changed{"change":"entry_removed"})",
                      R"(playlist_changed{"change":"details"})", "playlist_deleted{}"}));
}

TEST_F(PlaylistServiceTest, CreateAndGet) {
  Playlist created =
      playlists_->Create(owner_, PlaylistDraft{" Road trip ", "For the\nlong drive", true});
  EXPECT_EQ(created.name, "Road trip");
  EXPECT_EQ(created.description, "For the\nlong drive");
  EXPECT_TRUE(created.is_public);
  EXPECT_EQ(created.owner_user_id, owner_.user_id);

  PlaylistWithEntries got = playlists_->Get(owner_, created.id);
  EXPECT_EQ(got.playlist.name, "Road trip");
  EXPECT_TRUE(got.entries.empty());
}

TEST_F(PlaylistServiceTest, FieldsAreValidatedByName) {
  EXPECT_EQ(ErrorFrom([&] {
              playlists_->Create(owner_, PlaylistDraft{"", std::nullopt, false});
            }).field(),
            "name");
  EXPECT_EQ(ErrorFrom([&] {
              playlists_->Create(owner_, PlaylistDraft{"N", std::string(2001, 'd'), false});
            }).field(),
            "description");
  Playlist playlist = NewPlaylist(owner_, false);
  PlaylistPatch patch;
  patch.name = "Tab\there";
  EXPECT_EQ(ErrorFrom([&] { playlists_->Update(owner_, playlist.id, patch); }).field(), "name");
}

TEST_F(PlaylistServiceTest, SomeoneElsesPrivatePlaylistDoesNotExistForThem) {
  Playlist secret = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, secret.id, Ids({0}), std::nullopt);
  std::vector<std::function<void()>> attempts = {
      [&] { playlists_->Get(stranger_, secret.id); },
      [&] {
        playlists_->Update(stranger_, secret.id, PlaylistPatch{"Mine now", {}, {}});
      },
      [&] { playlists_->Delete(stranger_, secret.id); },
      [&] { playlists_->AddTracks(stranger_, secret.id, Ids({1}), std::nullopt); },
      [&] { playlists_->RemoveEntry(stranger_, secret.id, 0); },
      [&] { playlists_->MoveEntry(stranger_, secret.id, 0, 0); },
  };
  for (auto& attempt : attempts) {
    Error e = ErrorFrom(attempt);
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_STREQ(e.what(), "playlist not found");
  }
  Error none = ErrorFrom([&] { playlists_->Get(owner_, ids_.Next()); });
  EXPECT_EQ(none.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(none.what(), "playlist not found");

  EXPECT_EQ(playlists_->Get(admin_, secret.id).entries.size(), 1u);
  EXPECT_EQ(playlists_->Get(owner_, secret.id).entries.size(), 1u);
}

TEST_F(PlaylistServiceTest, OthersMayReadButNotChangeAPublicPlaylist) {
  Playlist shared = NewPlaylist(owner_, true);
  playlists_->AddTracks(owner_, shared.id, Ids({0, 1}), std::nullopt);
  EXPECT_EQ(Order(playlists_->Get(stranger_, shared.id)), Ids({0, 1}));

  std::vector<std::function<void()>> attempts = {
      [&] {
        playlists_->Update(stranger_, shared.id, PlaylistPatch{"Mine now", {}, {}});
      },
      [&] { playlists_->Delete(stranger_, shared.id); },
      [&] { playlists_->AddTracks(stranger_, shared.id, Ids({2}), std::nullopt); },
      [&] { playlists_->RemoveEntry(stranger_, shared.id, 0); },
      [&] { playlists_->MoveEntry(stranger_, shared.id, 0, 1); },
  };
  for (auto& attempt : attempts) EXPECT_EQ(ErrorFrom(attempt).code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Order(playlists_->Get(owner_, shared.id)), Ids({0, 1}));

  PlaylistPatch rename;
  rename.name = "Moderated";
  EXPECT_EQ(playlists_->Update(admin_, shared.id, rename).name, "Moderated");
}

TEST_F(PlaylistServiceTest, UpdateChangesOnlyWhatIsGiven) {
  Playlist playlist = playlists_->Create(owner_, PlaylistDraft{"Mix", "About it", false});
  PlaylistPatch publish;
  publish.is_public = true;
  Playlist published = playlists_->Update(owner_, playlist.id, publish);
  EXPECT_TRUE(published.is_public);
  EXPECT_EQ(published.name, "Mix");
  EXPECT_EQ(published.description, "About it");

  PlaylistPatch clear;
  clear.description = "";
  EXPECT_FALSE(playlists_->Update(owner_, playlist.id, clear).description.has_value());

  playlists_->Delete(owner_, playlist.id);
  EXPECT_EQ(ErrorFrom([&] { playlists_->Get(owner_, playlist.id); }).code(), ErrorCode::kNotFound);
}

TEST_F(PlaylistServiceTest, ListShowsOwnAndPublicPlaylists) {
  Playlist own_private = NewPlaylist(owner_, false, "own private");
  Playlist own_public = NewPlaylist(owner_, true, "own public");
  Playlist their_private = NewPlaylist(stranger_, false, "their private");
  Playlist their_public = NewPlaylist(stranger_, true, "their public");

  auto ids = [](const Page<Playlist>& page) {
    std::vector<std::string> out;
    for (const Playlist& p : page.items) out.push_back(p.id);
    return out;
  };
  EXPECT_EQ(ids(playlists_->List(owner_, false, PageRequest{})),
            (std::vector<std::string>{own_private.id, own_public.id, their_public.id}));
  EXPECT_EQ(ids(playlists_->List(owner_, true, PageRequest{})),
            (std::vector<std::string>{own_private.id, own_public.id}));
  EXPECT_EQ(ids(playlists_->List(stranger_, true, PageRequest{})),
            (std::vector<std::string>{their_private.id, their_public.id}));
}

TEST_F(PlaylistServiceTest, AddInsertsAtTheEndOrAtAPosition) {
  Playlist playlist = NewPlaylist(owner_, false);
  EXPECT_EQ(Order(playlists_->AddTracks(owner_, playlist.id, Ids({0, 1}), std::nullopt)),
            Ids({0, 1}));
  EXPECT_EQ(Order(playlists_->AddTracks(owner_, playlist.id, Ids({2, 3}), 1)), Ids({0, 2, 3, 1}));
  EXPECT_EQ(Order(playlists_->AddTracks(owner_, playlist.id, Ids({4}), 0)), Ids({4, 0, 2, 3, 1}));
  EXPECT_EQ(Order(playlists_->AddTracks(owner_, playlist.id, Ids({4}), 5)),
            Ids({4, 0, 2, 3, 1, 4}));

  PlaylistWithEntries got = playlists_->Get(owner_, playlist.id);
  EXPECT_EQ(Order(got), Ids({4, 0, 2, 3, 1, 4}));
  EXPECT_EQ(got.entries[1].track.title, "T0");
  EXPECT_GT(got.entries[1].added_at, 0);
}

TEST_F(PlaylistServiceTest, AddRefusesBadPositionsAndMissingTracks) {
  Playlist playlist = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, playlist.id, Ids({0}), std::nullopt);

  Error position = ErrorFrom([&] { playlists_->AddTracks(owner_, playlist.id, Ids({1}), 2); });
  EXPECT_EQ(position.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(position.field(), "position");
  EXPECT_EQ(ErrorFrom([&] { playlists_->AddTracks(owner_, playlist.id, Ids({1}), -1); }).field(),
            "position");

  std::string ghost = ids_.Next();
  Error missing = ErrorFrom([&] {
    playlists_->AddTracks(owner_, playlist.id, {tracks_[1].id, ghost}, std::nullopt);
  });
  EXPECT_EQ(missing.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(missing.field(), "trackIds");
  EXPECT_NE(std::string(missing.what()).find(ghost), std::string::npos) << missing.what();

  EXPECT_EQ(
      ErrorFrom([&] { playlists_->AddTracks(owner_, playlist.id, {}, std::nullopt); }).field(),
      "trackIds");
  // Nothing of a refused request was kept.
  EXPECT_EQ(Order(playlists_->Get(owner_, playlist.id)), Ids({0}));
}

TEST_F(PlaylistServiceTest, RemoveKeepsTheRestInOrder) {
  Playlist playlist = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, playlist.id, Ids({0, 1, 2, 3}), std::nullopt);
  EXPECT_EQ(Order(playlists_->RemoveEntry(owner_, playlist.id, 1)), Ids({0, 2, 3}));
  EXPECT_EQ(Order(playlists_->RemoveEntry(owner_, playlist.id, 2)), Ids({0, 2}));
  EXPECT_EQ(Order(playlists_->RemoveEntry(owner_, playlist.id, 0)), Ids({2}));

  EXPECT_EQ(ErrorFrom([&] { playlists_->RemoveEntry(owner_, playlist.id, 1); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(ErrorFrom([&] { playlists_->RemoveEntry(owner_, playlist.id, -1); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(Order(playlists_->Get(owner_, playlist.id)), Ids({2}));
}

TEST_F(PlaylistServiceTest, MoveReordersEntries) {
  Playlist playlist = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, playlist.id, Ids({0, 1, 2, 3, 4}), std::nullopt);
  EXPECT_EQ(Order(playlists_->MoveEntry(owner_, playlist.id, 0, 3)), Ids({1, 2, 3, 0, 4}));
  EXPECT_EQ(Order(playlists_->MoveEntry(owner_, playlist.id, 4, 1)), Ids({1, 4, 2, 3, 0}));
  EXPECT_EQ(Order(playlists_->MoveEntry(owner_, playlist.id, 2, 2)), Ids({1, 4, 2, 3, 0}));
  EXPECT_EQ(Order(playlists_->MoveEntry(owner_, playlist.id, 3, 4)), Ids({1, 4, 2, 0, 3}));
  EXPECT_EQ(Order(playlists_->Get(owner_, playlist.id)), Ids({1, 4, 2, 0, 3}));

  Error from = ErrorFrom([&] { playlists_->MoveEntry(owner_, playlist.id, 5, 0); });
  EXPECT_EQ(from.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(from.field(), "from");
  EXPECT_EQ(ErrorFrom([&] { playlists_->MoveEntry(owner_, playlist.id, 0, 5); }).field(), "to");
  EXPECT_EQ(ErrorFrom([&] { playlists_->MoveEntry(owner_, playlist.id, -1, 0); }).field(), "from");
}

TEST_F(PlaylistServiceTest, APlaylistHoldsAtMostTenThousandEntries) {
  Playlist playlist = NewPlaylist(owner_, false);
  std::vector<std::string> many(PlaylistService::kMaxEntries - 1, tracks_[0].id);
  EXPECT_EQ(playlists_->AddTracks(owner_, playlist.id, many, std::nullopt).entries.size(),
            PlaylistService::kMaxEntries - 1);

  Error full = ErrorFrom([&] {
    playlists_->AddTracks(owner_, playlist.id, Ids({1, 2}), std::nullopt);
  });
  EXPECT_EQ(full.code(), ErrorCode::kConflict);
  EXPECT_NE(std::string(full.what()).find("10000"), std::string::npos) << full.what();

  PlaylistWithEntries last = playlists_->AddTracks(owner_, playlist.id, Ids({1}), std::nullopt);
  ASSERT_EQ(last.entries.size(), PlaylistService::kMaxEntries);
  EXPECT_EQ(last.entries.back().track.id, tracks_[1].id);
  EXPECT_EQ(
      ErrorFrom([&] { playlists_->AddTracks(owner_, playlist.id, Ids({1}), std::nullopt); }).code(),
      ErrorCode::kConflict);
}

TEST_F(PlaylistServiceTest, DeletedTracksLeaveThePlaylistDense) {
  Playlist playlist = NewPlaylist(owner_, false);
  playlists_->AddTracks(owner_, playlist.id, Ids({0, 1, 2}), std::nullopt);
  catalog_->Write([&](CatalogTransaction& tx) { tx.tracks().Delete(tracks_[1].id); });
  EXPECT_EQ(Order(playlists_->Get(owner_, playlist.id)), Ids({0, 2}));
  EXPECT_EQ(Order(playlists_->MoveEntry(owner_, playlist.id, 1, 0)), Ids({2, 0}));
}

}  // namespace
}  // namespace cadenza
