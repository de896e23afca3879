#include <gtest/gtest.h>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

class PlaylistRepositoryTest : public CatalogTest {
 protected:
  // u1 owns album al1 with tracks t1..t4; u2 is another account.
  void SetUp() override {
    CatalogTest::SetUp();
    SeedAlbum();
    Write([](CatalogTransaction& tx) {
      tx.users().Insert(MakeUser("u2", "other@example.com", Role::kListener));
      for (std::string id : {"t1", "t2", "t3", "t4"}) tx.tracks().Insert(MakeTrack(id, "al1"));
    });
  }

  static PlaylistEntry Entry(std::string track_id, Timestamp added_at, int position = 99) {
    PlaylistEntry entry;
    entry.position = position;
    entry.track_id = std::move(track_id);
    entry.added_at = added_at;
    return entry;
  }

  std::vector<std::string> EntryTracks(const std::string& playlist_id) {
    auto entries = catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.playlists().ListEntries(playlist_id); });
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].position, static_cast<int>(i)) << "positions must be dense";
      ids.push_back(entries[i].track_id);
    }
    return ids;
  }
};

TEST_F(PlaylistRepositoryTest, InsertFindUpdateDelete) {
  Playlist playlist = MakePlaylist("p1", "u1", true);
  playlist.description = "Late night";
  Write([&](CatalogTransaction& tx) { tx.playlists().Insert(playlist); });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.playlists().FindById("p1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->owner_user_id, "u1");
  EXPECT_EQ(found->name, "Playlist p1");
  EXPECT_EQ(found->description, "Late night");
  EXPECT_TRUE(found->is_public);
  EXPECT_EQ(found->created_at, 1700000000400);

  Playlist changed = *found;
  changed.name = "Early morning";
  changed.description.reset();
  changed.is_public = false;
  changed.updated_at = 1700000066666;
  Write([&](CatalogTransaction& tx) { tx.playlists().Update(changed); });
  found = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.playlists().FindById("p1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "Early morning");
  EXPECT_FALSE(found->description.has_value());
  EXPECT_FALSE(found->is_public);
  EXPECT_EQ(found->updated_at, 1700000066666);

  Write([](CatalogTransaction& tx) { tx.playlists().Delete("p1"); });
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.playlists().FindById("p1").has_value()); });
}

TEST_F(PlaylistRepositoryTest, MissingRowsAndOwners) {
  EXPECT_EQ(
      ThrownCode([&] {
        Write([](CatalogTransaction& tx) { tx.playlists().Update(MakePlaylist("p9", "u1")); });
      }),
      ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.playlists().Delete("p9"); }); }),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      ThrownMessage([&] {
        Write([](CatalogTransaction& tx) { tx.playlists().Insert(MakePlaylist("p1", "ghost")); });
      }),
      "a playlist refers to a missing owner account");
}

TEST_F(PlaylistRepositoryTest, ListVisibleToShowsOwnAndOptionallyPublicOnes) {
  Write([](CatalogTransaction& tx) {
    tx.playlists().Insert(MakePlaylist("p1", "u1", false));
    tx.playlists().Insert(MakePlaylist("p2", "u2", true));
    tx.playlists().Insert(MakePlaylist("p3", "u2", false));
    tx.playlists().Insert(MakePlaylist("p4", "u1", true));
    tx.playlists().Insert(MakePlaylist("p5", "u2", true));
  });
  auto ids = [&](std::string user, bool include_public, int limit,
                 std::optional<std::string> after = {}) {
    auto page = catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.playlists().ListVisibleTo(user, include_public,
                                          PageRequest{.limit = limit, .after_id = after});
    });
    std::vector<std::string> out;
    for (const auto& p : page.items) out.push_back(p.id);
    if (page.next_after_id) out.push_back("next:" + *page.next_after_id);
    return out;
  };
  EXPECT_EQ(ids("u1", false, 10), (Strings{"p1", "p4"}));
  EXPECT_EQ(ids("u1", true, 10), (Strings{"p1", "p2", "p4", "p5"}));
  EXPECT_EQ(ids("u2", false, 10), (Strings{"p2", "p3", "p5"}));
  EXPECT_EQ(ids("u1", true, 2), (Strings{"p1", "p2", "next:p2"}));
  EXPECT_EQ(ids("u1", true, 2, "p2"), (Strings{"p4", "p5"}));
  EXPECT_EQ(ids("nobody", true, 10), (Strings{"p2", "p4", "p5"}));
}

TEST_F(PlaylistRepositoryTest, ReplaceEntriesTakesPositionsFromVectorOrder) {
  Write([](CatalogTransaction& tx) { tx.playlists().Insert(MakePlaylist("p1", "u1")); });
  EXPECT_TRUE(EntryTracks("p1").empty());
  Write([](CatalogTransaction& tx) {
    tx.playlists().ReplaceEntries(
        "p1", {Entry("t3", 10, 7), Entry("t1", 20, 0), Entry("t3", 30, 0), Entry("t2", 40, 5)});
  });
  EXPECT_EQ(EntryTracks("p1"), (Strings{"t3", "t1", "t3", "t2"}));
  auto entries =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.playlists().ListEntries("p1"); });
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[2].added_at, 30);

  // Replacing again drops what was there; an empty vector empties the playlist.
  Write([](CatalogTransaction& tx) { tx.playlists().ReplaceEntries("p1", {Entry("t4", 50)}); });
  EXPECT_EQ(EntryTracks("p1"), (Strings{"t4"}));
  Write([](CatalogTransaction& tx) { tx.playlists().ReplaceEntries("p1", {}); });
  EXPECT_TRUE(EntryTracks("p1").empty());
}

TEST_F(PlaylistRepositoryTest, ReplaceEntriesRefusesMissingPlaylistOrTrack) {
  Write([](CatalogTransaction& tx) {
    tx.playlists().Insert(MakePlaylist("p1", "u1"));
    tx.playlists().ReplaceEntries("p1", {Entry("t1", 1)});
  });
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) {
                tx.playlists().ReplaceEntries("p9", {Entry("t1", 1)});
              });
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownMessage([&] {
              Write([](CatalogTransaction& tx) {
                tx.playlists().ReplaceEntries("p1", {Entry("t2", 1), Entry("ghost", 2)});
              });
            }),
            "playlist entry 1 refers to a missing track ghost");
  EXPECT_EQ(EntryTracks("p1"), (Strings{"t1"}));  // the failed replacement rolled back
}

TEST_F(PlaylistRepositoryTest, EntriesStayDenseAfterATrackIsDeleted) {
  Write([](CatalogTransaction& tx) {
    tx.playlists().Insert(MakePlaylist("p1", "u1"));
    tx.playlists().ReplaceEntries(
        "p1", {Entry("t1", 1), Entry("t2", 2), Entry("t3", 3), Entry("t2", 4), Entry("t4", 5)});
  });
  Write([](CatalogTransaction& tx) { tx.tracks().Delete("t2"); });
  EXPECT_EQ(EntryTracks("p1"), (Strings{"t1", "t3", "t4"}));  // also checks 0,1,2

  // A read-modify-write by position keeps working on the renumbered list.
  Write([](CatalogTransaction& tx) {
    auto entries = tx.playlists().ListEntries("p1");
    entries.erase(entries.begin() + 1);
    tx.playlists().ReplaceEntries("p1", entries);
  });
  EXPECT_EQ(EntryTracks("p1"), (Strings{"t1", "t4"}));
}

TEST_F(PlaylistRepositoryTest, DeletingAPlaylistRemovesItsEntriesButNotTracks) {
  Write([](CatalogTransaction& tx) {
    tx.playlists().Insert(MakePlaylist("p1", "u1"));
    tx.playlists().ReplaceEntries("p1", {Entry("t1", 1)});
    tx.playlists().Delete("p1");
  });
  EXPECT_TRUE(EntryTracks("p1").empty());
  Read([](CatalogTransaction& tx) { EXPECT_TRUE(tx.tracks().FindById("t1").has_value()); });
  EXPECT_TRUE(QueuedKeys().empty());
}

}  // namespace
}  // namespace cadenza::testing
