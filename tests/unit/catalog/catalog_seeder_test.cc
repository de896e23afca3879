// The synthetic catalogue (services/seed/) loaded through each adapter's CatalogSeeder: the
// rows must be what the repositories read back, with the shape the seed promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog_fixture.h"
#include "domain/error.h"
#include "services/seed/catalog_seed.h"

namespace cadenza::testing {
namespace {

constexpr std::int64_t kTracks = 3000;
constexpr Timestamp kAsOf = 1796083199999;  // 2026-12-31T23:59:59.999Z

seed::SeedOptions Options(std::uint64_t random_seed, std::int64_t tracks = kTracks) {
  seed::SeedOptions options;
  options.tracks = tracks;
  options.random_seed = random_seed;
  options.as_of = kAsOf;
  options.batch_tracks = 700;  // several batches, the last one partial
  return options;
}

template <class T, class ListFn>
std::vector<T> ListAll(Catalog& catalog, ListFn list) {
  std::vector<T> all;
  PageRequest page;
  page.limit = 200;
  for (;;) {
    Page<T> got = catalog.ReadValue([&](CatalogTransaction& tx) { return list(tx, page); });
    all.insert(all.end(), got.items.begin(), got.items.end());
    if (!got.next_after_id) return all;
    page.after_id = got.next_after_id;
  }
}

std::vector<Track> AllTracks(Catalog& catalog) {
  return ListAll<Track>(catalog, [](CatalogTransaction& tx, const PageRequest& page) {
    return tx.tracks().List(page);
  });
}
std::vector<Album> AllAlbums(Catalog& catalog) {
  return ListAll<Album>(catalog, [](CatalogTransaction& tx, const PageRequest& page) {
    return tx.albums().List(page);
  });
}
std::vector<Artist> AllArtists(Catalog& catalog) {
  return ListAll<Artist>(catalog, [](CatalogTransaction& tx, const PageRequest& page) {
    return tx.artists().List(page);
  });
}

// The scripts (beyond plain ASCII) whose letters appear in `text`.
void AddScripts(const std::string& text, std::set<std::string>& scripts) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += static_cast<std::size_t>(length);
    if (cp >= 0xC0 && cp <= 0x24F) scripts.insert("latin-diacritics");
    if (cp >= 0x370 && cp <= 0x3FF) scripts.insert("greek");
    if (cp >= 0x400 && cp <= 0x4FF) scripts.insert("cyrillic");
    if (cp >= 0x590 && cp <= 0x5FF) scripts.insert("hebrew");
    if (cp >= 0x600 && cp <= 0x6FF) scripts.insert("arabic");
    if (cp >= 0x3040 && cp <= 0x30FF) scripts.insert("kana");
    if (cp >= 0x4E00 && cp <= 0x9FFF) scripts.insert("han");
    if (cp >= 0xAC00 && cp <= 0xD7AF) scripts.insert("hangul");
  }
}

using CatalogSeederTest = CatalogTest;

TEST_F(CatalogSeederTest, LoadsReadyTracksThatTheRepositoriesReadBack) {
  auto seeder = under_test_->OpenSeeder();
  std::vector<std::int64_t> progress;
  seed::SeedSummary summary = seed::SeedCatalog(*seeder, Options(7), [&](const seed::SeedProgress& p) {
    EXPECT_EQ(p.tracks_total, kTracks);
    progress.push_back(p.tracks_done);
  });
  EXPECT_EQ(summary.tracks, kTracks);
  ASSERT_GE(progress.size(), 4U);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), kTracks);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM tracks"), kTracks);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM albums"), summary.albums);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM artists"), summary.artists);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM users"), summary.users);
  EXPECT_EQ(under_test_->QueryInt("SELECT sum(play_count) FROM tracks"), summary.plays);

  std::vector<Track> tracks = AllTracks(*catalog_);
  ASSERT_EQ(static_cast<std::int64_t>(tracks.size()), kTracks);
  std::map<std::string, Album> albums;
  for (const Album& album : AllAlbums(*catalog_)) albums[album.id] = album;
  std::map<std::string, std::vector<int>> numbers;
  for (const Track& track : tracks) {
    EXPECT_EQ(track.status, TrackStatus::kReady) << track.id;
    EXPECT_EQ(track.progress, 1);
    ASSERT_TRUE(track.duration_ms.has_value());
    EXPECT_GE(*track.duration_ms, 60'000);
    EXPECT_LE(*track.duration_ms, 720'000);
    EXPECT_TRUE(track.loudness.has_value());
    EXPECT_EQ(track.blob_key, "originals/" + track.id);
    EXPECT_LE(track.created_at, kAsOf);
    ASSERT_TRUE(track.track_number.has_value());
    ASSERT_EQ(albums.count(track.album_id), 1U) << track.album_id;
    numbers[track.album_id].push_back(*track.track_number);
  }
  for (auto& [album_id, seen] : numbers) {
    std::sort(seen.begin(), seen.end());
    EXPECT_LE(seen.size(), 20U);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(i) + 1);
  }
  // Release dates span decades and end recently.
  std::string oldest = "9999";
  std::string newest = "0000";
  for (const auto& [id, album] : albums) {
    ASSERT_TRUE(album.release_date.has_value());
    ASSERT_EQ(album.release_date->size(), 10U);
    oldest = std::min(oldest, *album.release_date);
    newest = std::max(newest, *album.release_date);
  }
  EXPECT_LT(oldest, "2000-01-01");
  EXPECT_GE(newest, "2026-06-01");
  EXPECT_LE(newest, "2026-12-31");
}

TEST_F(CatalogSeederTest, OwnersAreArtistAccountsThatCannotLogIn) {
  auto seeder = under_test_->OpenSeeder();
  seed::SeedSummary summary = seed::SeedCatalog(*seeder, Options(11), nullptr);
  std::map<std::string, int> artists_per_owner;
  for (const Artist& artist : AllArtists(*catalog_)) ++artists_per_owner[artist.owner_user_id];
  int biggest_owner = 0;
  for (const auto& [owner_id, count] : artists_per_owner) {
    auto owner = catalog_->ReadValue([&](CatalogTransaction& tx) { return tx.users().FindById(owner_id); });
    ASSERT_TRUE(owner.has_value()) << owner_id;
    EXPECT_EQ(owner->role, Role::kArtist);
    EXPECT_EQ(owner->password_hash.rfind("$argon2", 0), std::string::npos);
    biggest_owner = std::max(biggest_owner, count);
  }
  EXPECT_EQ(static_cast<std::int64_t>(artists_per_owner.size()), summary.users);
  EXPECT_GE(summary.labels, 3);
  EXPECT_GE(biggest_owner, 5) << "a label account owns many artists";
}

TEST_F(CatalogSeederTest, HasZipfArtistsManyScriptsAndLongTailedPlays) {
  auto seeder = under_test_->OpenSeeder();
  seed::SeedCatalog(*seeder, Options(7), nullptr);
  std::map<std::string, std::string> artist_of_album;
  for (const Album& album : AllAlbums(*catalog_)) artist_of_album[album.id] = album.artist_id;
  std::map<std::string, int> tracks_per_artist;
  std::set<std::string> scripts;
  bool punctuated = false;
  for (const Track& track : AllTracks(*catalog_)) {
    ++tracks_per_artist[artist_of_album.at(track.album_id)];
    AddScripts(track.title, scripts);
  }
  for (const Artist& artist : AllArtists(*catalog_)) {
    AddScripts(artist.name, scripts);
    punctuated = punctuated || artist.name.find_first_of("'/&!.") != std::string::npos;
  }
  std::vector<int> sizes;
  for (const auto& [artist, count] : tracks_per_artist) sizes.push_back(count);
  std::sort(sizes.begin(), sizes.end());
  const int median = sizes[sizes.size() / 2];
  EXPECT_GE(sizes.back(), 100);
  EXPECT_GE(sizes.back(), 8 * median) << "median " << median;
  EXPECT_GE(scripts.size(), 5U) << ::testing::PrintToString(scripts);
  EXPECT_TRUE(scripts.count("latin-diacritics"));
  EXPECT_TRUE(punctuated);

  const std::int64_t all = under_test_->QueryInt("SELECT sum(play_count) FROM tracks");
  const std::int64_t top = under_test_->QueryInt(
      "SELECT sum(play_count) FROM (SELECT play_count FROM tracks ORDER BY play_count DESC "
      "LIMIT 30) AS top");
  EXPECT_GT(top * 2, all) << "the top 1% hold most plays";
  EXPECT_LE(under_test_->QueryInt(
                "SELECT play_count FROM tracks ORDER BY play_count LIMIT 1 OFFSET 1500"),
            10)
      << "the median track has a handful of plays";
  EXPECT_GE(under_test_->QueryInt("SELECT max(play_count) FROM tracks"), 100'000);
}

TEST_F(CatalogSeederTest, FillsTheLastDaysPlaysAndAWindowThatIsTheirSum) {
  seed::SeedSummary summary = seed::SeedCatalog(*under_test_->OpenSeeder(), Options(7), nullptr);
  const std::int64_t today = kAsOf / 86'400'000;
  const std::string window = " BETWEEN " + std::to_string(today - 6) + " AND " + std::to_string(today);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM track_daily_plays"), summary.daily_plays);
  EXPECT_GT(summary.daily_plays, kTracks / 4);
  EXPECT_EQ(under_test_->QueryInt("SELECT min(day) FROM track_daily_plays"), today - 13);
  EXPECT_EQ(under_test_->QueryInt("SELECT max(day) FROM track_daily_plays"), today);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM track_daily_plays d JOIN tracks t "
                                  "ON t.id = d.track_id WHERE d.day < t.created_at / 86400000 "
                                  "OR t.play_count < 18 OR d.plays < 1"),
            0)
      << "plays only for tracks with some plays, on days they existed";

  // The window: the 7 days ending on as_of's day, each track's sum of those days.
  EXPECT_EQ(under_test_->QueryInt("SELECT newest_day FROM popular_window"), today);
  const std::int64_t played = under_test_->QueryInt(
      "SELECT count(DISTINCT track_id) FROM track_daily_plays WHERE day" + window);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM track_window_plays"), played);
  EXPECT_EQ(under_test_->QueryInt(
                "SELECT count(*) FROM track_window_plays w WHERE w.plays <> (SELECT "
                "COALESCE(sum(d.plays), 0) FROM track_daily_plays d WHERE d.track_id = "
                "w.track_id AND d.day" + window + ")"),
            0);
  // A long tail: a sizeable share of the catalogue was played lately, most of it a little.
  EXPECT_GE(played, kTracks / 10);
  EXPECT_LE(played, kTracks / 2);
  EXPECT_GE(under_test_->QueryInt("SELECT max(plays) FROM track_window_plays"), 1000);
  EXPECT_GE(under_test_->QueryInt("SELECT count(*) FROM track_window_plays WHERE plays <= 3") * 3,
            played);
  auto top = catalog_->ReadValue([&](CatalogTransaction& tx) {
    return tx.listening().Popular(today - 6, today, 3, 0);
  });
  ASSERT_EQ(top.size(), 3U);
  EXPECT_EQ(top[0].plays, under_test_->QueryInt("SELECT max(plays) FROM track_window_plays"));
  EXPECT_GE(top[0].plays, top[1].plays);
}

struct Row {
  std::string id, album_id, title;
  std::optional<int> number;
  std::optional<std::int64_t> duration;
  Timestamp created_at;
  bool operator==(const Row&) const = default;
};

std::vector<Row> Rows(Catalog& catalog) {
  std::vector<Row> rows;
  for (const Track& t : AllTracks(catalog)) {
    rows.push_back({t.id, t.album_id, t.title, t.track_number, t.duration_ms, t.created_at});
  }
  return rows;
}

TEST_F(CatalogSeederTest, SameSeedSameCatalogue) {
  seed::SeedCatalog(*under_test_->OpenSeeder(), Options(42), nullptr);
  auto other = NewCatalogUnderTest();
  auto other_catalog = other->Open(2);
  other_catalog->Migrate();
  seed::SeedCatalog(*other->OpenSeeder(), Options(42), nullptr);
  auto third = NewCatalogUnderTest();
  auto third_catalog = third->Open(2);
  third_catalog->Migrate();
  seed::SeedCatalog(*third->OpenSeeder(), Options(43), nullptr);

  std::vector<Row> rows = Rows(*catalog_);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kTracks));
  EXPECT_TRUE(rows == Rows(*other_catalog));
  EXPECT_FALSE(rows == Rows(*third_catalog));
  const char* kPlays = "SELECT sum(play_count) FROM tracks";
  EXPECT_EQ(under_test_->QueryInt(kPlays), other->QueryInt(kPlays));
  const char* kNames = "SELECT count(DISTINCT name) FROM artists";
  EXPECT_EQ(under_test_->QueryInt(kNames), other->QueryInt(kNames));
  const char* kDailyPlays = "SELECT sum(plays * (day % 7 + 1)) FROM track_daily_plays";
  EXPECT_GT(under_test_->QueryInt(kDailyPlays), 0);
  EXPECT_EQ(under_test_->QueryInt(kDailyPlays), other->QueryInt(kDailyPlays));
  EXPECT_NE(under_test_->QueryInt(kDailyPlays), third->QueryInt(kDailyPlays));
}

TEST_F(CatalogSeederTest, RefusesACatalogueWithTracksUnlessForced) {
  seed::SeedCatalog(*under_test_->OpenSeeder(), Options(5, 40), nullptr);
  try {
    seed::SeedCatalog(*under_test_->OpenSeeder(), Options(5, 40), nullptr);
    FAIL() << "seeded a catalogue that has tracks";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("40 tracks"), std::string::npos) << e.what();
  }
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM tracks"), 40);

  seed::SeedOptions forced = Options(5, 40);
  forced.force = true;  // the same seed again: the rows must not collide with the first ones
  seed::SeedCatalog(*under_test_->OpenSeeder(), forced, nullptr);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM tracks"), 80);
}

TEST_F(CatalogSeederTest, AFailedBatchLeavesNothingOfIt) {
  auto seeder = under_test_->OpenSeeder();
  SeedBatch batch;
  batch.users.push_back(MakeUser("u-seed", "seed@example.com"));
  batch.artists.push_back(MakeArtist("ar-seed", "u-seed"));
  batch.albums.push_back(MakeAlbum("al-seed", "ar-missing"));  // refers to no artist
  EXPECT_THROW(seeder->Insert(batch), Error);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM users"), 0);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM artists"), 0);
  batch.albums.clear();
  seeder->Insert(batch);  // the seeder is usable after a failed batch
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM artists"), 1);
}

}  // namespace
}  // namespace cadenza::testing
