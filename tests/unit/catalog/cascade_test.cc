#include <gtest/gtest.h>

#include <algorithm>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using CascadeTest = CatalogTest;

TEST_F(CascadeTest, DeletingAUserRemovesEverythingTheyOwnAndQueuesEveryBlob) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "owner@example.com"));
    tx.users().Insert(MakeUser("u2", "other@example.com", Role::kListener));
    tx.artists().Insert(MakeArtist("ar1", "u1"));
    tx.artists().Insert(MakeArtist("ar2", "u1"));
    tx.albums().Insert(MakeAlbum("al1", "ar1"));
    tx.albums().Insert(MakeAlbum("al2", "ar1"));
    tx.albums().Insert(MakeAlbum("al3", "ar2"));
    tx.tracks().Insert(MakeTrack("t1", "al1"));
    tx.tracks().Insert(MakeTrack("t2", "al1"));
    tx.tracks().Insert(MakeTrack("t3", "al2"));
    tx.tracks().Insert(MakeTrack("t4", "al3"));
    tx.playlists().Insert(MakePlaylist("p1", "u1"));
    tx.playlists().Insert(MakePlaylist("p2", "u2", true));
    PlaylistEntry entry;
    entry.track_id = "t1";
    tx.playlists().ReplaceEntries("p1", {entry});
    tx.playlists().ReplaceEntries("p2", {entry, entry});
    tx.uploads().Insert(MakeUpload("up1", "u1", "incoming/unclaimed"));
    Upload replacement = MakeUpload("up2", "u2", "incoming/replacement");
    replacement.track_id = "t4";  // another account's slot for one of u1's tracks
    tx.uploads().Insert(replacement);
  });

  Write([](CatalogTransaction& tx) { tx.users().Delete("u1"); });

  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("u1").has_value());
    EXPECT_TRUE(tx.users().FindById("u2").has_value());
    EXPECT_TRUE(tx.artists().List(PageRequest{}).items.empty());
    EXPECT_TRUE(tx.albums().List(PageRequest{}).items.empty());
    EXPECT_TRUE(tx.tracks().List(PageRequest{}).items.empty());
    EXPECT_FALSE(tx.playlists().FindById("p1").has_value());
    EXPECT_TRUE(tx.playlists().FindById("p2").has_value());
    EXPECT_TRUE(tx.playlists().ListEntries("p1").empty());
    EXPECT_TRUE(tx.playlists().ListEntries("p2").empty());  // its tracks are gone
    EXPECT_FALSE(tx.uploads().FindById("up1").has_value());
    EXPECT_FALSE(tx.uploads().FindById("up2").has_value());  // cascaded from track t4
  });
  auto keys = QueuedKeys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (Strings{"incoming/replacement", "incoming/unclaimed", "originals/t1.flac",
                           "originals/t2.flac", "originals/t3.flac", "originals/t4.flac"}));
}

TEST_F(CascadeTest, DeletingAnAlbumQueuesItsTracksOnly) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.albums().Insert(MakeAlbum("al2", "ar1"));
    tx.tracks().Insert(MakeTrack("t1", "al1"));
    tx.tracks().Insert(MakeTrack("t2", "al2"));
  });
  Write([](CatalogTransaction& tx) { tx.albums().Delete("al1"); });
  EXPECT_EQ(QueuedKeys(), (Strings{"originals/t1.flac"}));
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.tracks().FindById("t1").has_value());
    EXPECT_TRUE(tx.tracks().FindById("t2").has_value());
  });
}

}  // namespace
}  // namespace cadenza::testing
