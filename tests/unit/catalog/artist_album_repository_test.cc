#include <gtest/gtest.h>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using ArtistRepositoryTest = CatalogTest;
using AlbumRepositoryTest = CatalogTest;

TEST_F(ArtistRepositoryTest, InsertFindUpdateDelete) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    tx.users().Insert(MakeUser("u2", "b@example.com"));
    Artist artist = MakeArtist("ar1", "u1");
    artist.bio = "Formed in 1999.";
    tx.artists().Insert(artist);
  });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.artists().FindById("ar1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->owner_user_id, "u1");
  EXPECT_EQ(found->name, "Artist ar1");
  EXPECT_EQ(found->bio, "Formed in 1999.");
  EXPECT_EQ(found->created_at, 1700000000100);

  Artist changed = *found;
  changed.owner_user_id = "u2";
  changed.name = "Renamed";
  changed.bio.reset();
  changed.updated_at = 1700000099999;
  Write([&](CatalogTransaction& tx) { tx.artists().Update(changed); });
  found = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.artists().FindById("ar1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->owner_user_id, "u2");
  EXPECT_EQ(found->name, "Renamed");
  EXPECT_FALSE(found->bio.has_value());
  EXPECT_EQ(found->updated_at, 1700000099999);

  Write([](CatalogTransaction& tx) { tx.artists().Delete("ar1"); });
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.artists().FindById("ar1").has_value()); });
}

TEST_F(ArtistRepositoryTest, MissingOwnerIsConflict) {
  std::string message = ThrownMessage([&] {
    Write([](CatalogTransaction& tx) { tx.artists().Insert(MakeArtist("ar1", "ghost")); });
  });
  EXPECT_EQ(message, "an artist refers to a missing owner account");
  EXPECT_EQ(
      ThrownCode([&] {
        Write([](CatalogTransaction& tx) { tx.artists().Insert(MakeArtist("ar1", "ghost")); });
      }),
      ErrorCode::kConflict);
}

TEST_F(ArtistRepositoryTest, UpdateOrDeleteOfMissingArtistIsNotFound) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.artists().Update(MakeArtist("ar9", "u1")); });
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.artists().Delete("ar9"); }); }),
            ErrorCode::kNotFound);
}

TEST_F(ArtistRepositoryTest, ListPagesInIdOrder) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    for (std::string id : {"ar2", "ar3", "ar1"}) tx.artists().Insert(MakeArtist(id, "u1"));
  });
  Read([](CatalogTransaction& tx) {
    auto page = tx.artists().List(PageRequest{.limit = 2, .after_id = "ar1"});
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].id, "ar2");
    EXPECT_EQ(page.items[1].id, "ar3");
    EXPECT_FALSE(page.next_after_id.has_value());
  });
}

TEST_F(ArtistRepositoryTest, NewestFirstPagesDownFromTheCursor) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    for (std::string id : {"ar2", "ar3", "ar1"}) tx.artists().Insert(MakeArtist(id, "u1"));
  });
  Read([](CatalogTransaction& tx) {
    auto first = tx.artists().List(PageRequest{.limit = 2, .newest_first = true});
    ASSERT_EQ(first.items.size(), 2u);
    EXPECT_EQ(first.items[0].id, "ar3");
    EXPECT_EQ(first.items[1].id, "ar2");
    ASSERT_EQ(first.next_after_id, "ar2");
    auto second =
        tx.artists().List(PageRequest{.limit = 2, .after_id = "ar2", .newest_first = true});
    ASSERT_EQ(second.items.size(), 1u);
    EXPECT_EQ(second.items[0].id, "ar1");
    EXPECT_FALSE(second.next_after_id.has_value());
  });
}

TEST_F(ArtistRepositoryTest, ListByOwnerShowsOnlyThatOwnersArtists) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    tx.users().Insert(MakeUser("u2", "b@example.com"));
    tx.artists().Insert(MakeArtist("ar1", "u1"));
    tx.artists().Insert(MakeArtist("ar2", "u2"));
    tx.artists().Insert(MakeArtist("ar3", "u1"));
  });
  Read([](CatalogTransaction& tx) {
    auto mine = tx.artists().ListByOwner("u1", PageRequest{.limit = 10});
    ASSERT_EQ(mine.items.size(), 2u);
    EXPECT_EQ(mine.items[0].id, "ar1");
    EXPECT_EQ(mine.items[1].id, "ar3");
    auto theirs = tx.artists().ListByOwner("u2", PageRequest{.limit = 10, .newest_first = true});
    ASSERT_EQ(theirs.items.size(), 1u);
    EXPECT_EQ(theirs.items[0].id, "ar2");
  });
}

TEST_F(AlbumRepositoryTest, InsertFindUpdateDelete) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.artists().Insert(MakeArtist("ar2", "u1")); });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.albums().FindById("al1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->artist_id, "ar1");
  EXPECT_EQ(found->title, "Album al1");
  EXPECT_FALSE(found->release_date.has_value());

  Album changed = *found;
  changed.artist_id = "ar2";
  changed.title = "Second Title";
  changed.release_date = "2024-02-29";
  changed.updated_at = 1700000077777;
  Write([&](CatalogTransaction& tx) { tx.albums().Update(changed); });
  found = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.albums().FindById("al1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->artist_id, "ar2");
  EXPECT_EQ(found->title, "Second Title");
  EXPECT_EQ(found->release_date, "2024-02-29");
  EXPECT_EQ(found->created_at, 1700000000200);
  EXPECT_EQ(found->updated_at, 1700000077777);

  Write([](CatalogTransaction& tx) { tx.albums().Delete("al1"); });
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.albums().FindById("al1").has_value()); });
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.albums().Delete("al1"); }); }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.albums().Update(MakeAlbum("al1", "ar1")); });
            }),
            ErrorCode::kNotFound);
}

TEST_F(AlbumRepositoryTest, MissingArtistIsConflictOnInsertAndUpdate) {
  SeedAlbum();
  EXPECT_EQ(ThrownMessage([&] {
              Write([](CatalogTransaction& tx) { tx.albums().Insert(MakeAlbum("al2", "ghost")); });
            }),
            "an album refers to a missing artist");
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.albums().Update(MakeAlbum("al1", "ghost")); });
            }),
            ErrorCode::kConflict);
}

TEST_F(AlbumRepositoryTest, ListAndListByArtist) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.artists().Insert(MakeArtist("ar2", "u1"));
    tx.albums().Insert(MakeAlbum("al2", "ar2"));
    tx.albums().Insert(MakeAlbum("al3", "ar1"));
    tx.albums().Insert(MakeAlbum("al4", "ar1"));
  });
  Read([](CatalogTransaction& tx) {
    auto all = tx.albums().List(PageRequest{.limit = 10});
    ASSERT_EQ(all.items.size(), 4u);
    EXPECT_FALSE(all.next_after_id.has_value());

    auto first = tx.albums().ListByArtist("ar1", PageRequest{.limit = 2});
    ASSERT_EQ(first.items.size(), 2u);
    EXPECT_EQ(first.items[0].id, "al1");
    EXPECT_EQ(first.items[1].id, "al3");
    EXPECT_EQ(first.next_after_id, "al3");
    auto second = tx.albums().ListByArtist("ar1", PageRequest{.limit = 2, .after_id = "al3"});
    ASSERT_EQ(second.items.size(), 1u);
    EXPECT_EQ(second.items[0].id, "al4");
    EXPECT_FALSE(second.next_after_id.has_value());

    EXPECT_TRUE(tx.albums().ListByArtist("nobody", PageRequest{}).items.empty());
  });
}

}  // namespace
}  // namespace cadenza::testing
