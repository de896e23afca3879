// PostgreSQL search at the edges of its plan (adapters/postgres/pg_search_repository.h): more
// documents than the rank window, with and without word statistics, documents too long for the
// rank index, and the ranking columns of version 11 filled for rows stored before it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/pg_search_repository.h"
#include "adapters/postgres/pg_search_statistics.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

constexpr char kOwner[] =
    "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, created_at, "
    "updated_at) VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
    "INSERT INTO artists VALUES ('ar1', 'u1', 'Various', NULL, 1, 1);"
    "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
    "VALUES ('al1', 'ar1', 'Collection', 1, 1);";

// Tracks titled `title`, ids prefix0001..., plays, created and album given by SQL over i.
std::string InsertTracks(const std::string& prefix, const std::string& title_sql, int count,
                         const std::string& plays_sql, const std::string& album_sql = "'al1'") {
  return "INSERT INTO tracks (id, album_id, title, blob_key, blob_size, created_at, "
         "updated_at, status, play_count) SELECT '" + prefix + "' || lpad(i::text, 5, '0'), " +
         album_sql + ", " + title_sql + ", 'originals/" + prefix + "' || i, 1, 1000 + i, 1, 'ready', " +
         plays_sql + " FROM generate_series(1, " + std::to_string(count) + ") AS i;";
}

class PostgresSearchRankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = NewMigratedDatabase();
    catalog_ = OpenPostgresCatalog(PostgresOptions{
        .url = test_support::SharedPostgresServer().Url(database_), .pool_size = 2});
  }

  void Script(const std::string& sql) { SideConnection(database_).Script(sql); }

  std::vector<SearchHit> Hits(const std::string& text, SearchKind kind, int limit, int offset) {
    return catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.search().Search(SearchRequest{text, kind, "", limit, offset});
    });
  }

  Strings Ids(const std::string& text, int limit, int offset = 0) {
    Strings ids;
    for (const SearchHit& hit : Hits(text, SearchKind::kTrack, limit, offset)) {
      ids.push_back(hit.id);
    }
    return ids;
  }

  std::string database_;
  std::unique_ptr<Catalog> catalog_;
};

constexpr int kFillers = pg::PgSearchRepository::kWindowRows + 500;

// Fillers with more plays than every needle but one, then needles and their typos. Fillers
// come a hundred to an album and an artist, as catalogues do: every track added updates its
// album's and artist's plays, and thousands of updates of one row in one transaction each
// step over every earlier version.
void InsertNeedlesAmongFillers(pg::Connection& conn) {
  const std::string albums = std::to_string(kFillers / 100);
  conn.Script(std::string(kOwner) +
              "INSERT INTO artists SELECT 'fr' || n, 'u1', 'Crowd ' || n, NULL, 1, 1 "
              "FROM generate_series(0, " + albums + ") AS n;"
              "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
              "SELECT 'fa' || n, 'fr' || n, 'Box ' || n, 1, 1 FROM generate_series(0, " +
              albums + ") AS n;" +
              InsertTracks("fill", "'Filler ' || i", kFillers, "100000 + i", "'fa' || i / 100") +
              // One needle among the best-ranked, three far below the window.
              InsertTracks("top", "'Needle Point Top'", 1, "10000000") +
              InsertTracks("low", "'Needle Point ' || i", 3, "i") +
              InsertTracks("typo", "'Neadle Point ' || i", 2, "10 + i"));
}

TEST_F(PostgresSearchRankTest, RareWordsBeyondTheRankWindowAreFoundInRankOrder) {
  pg::Connection conn = SideConnection(database_);
  InsertNeedlesAmongFillers(conn);
  // Once as a new database is searched (no statistics: the window first), once as ANALYZE
  // leaves it (statistics send a rare word to the GIN index at once): the same hits.
  for (bool analyzed : {false, true}) {
    SCOPED_TRACE(analyzed ? "with statistics" : "without statistics");
    if (analyzed) {
      conn.Script("ANALYZE track_search");
      catalog_ = OpenPostgresCatalog(PostgresOptions{
          .url = test_support::SharedPostgresServer().Url(database_), .pool_size = 2});
    }
    // The window alone: the best fillers.
    auto filler = [](int i) {
      std::string number = std::to_string(i);
      return "fill" + std::string(5 - number.size(), '0') + number;
    };
    EXPECT_EQ(Ids("filler", 3),
              (Strings{filler(kFillers), filler(kFillers - 1), filler(kFillers - 2)}));
    // The window holds one needle; the GIN index finds the others, still in rank order.
    EXPECT_EQ(Ids("needle", 2), (Strings{"top00001", "low00003"}));
    EXPECT_EQ(Ids("needle", 2, 2), (Strings{"low00002", "low00001"}));
    EXPECT_EQ(Ids("needle poi", 4), (Strings{"top00001", "low00003", "low00002", "low00001"}));
    EXPECT_EQ(Ids("needl", 4), (Strings{"top00001", "low00003", "low00002", "low00001"}));
    // Typos only after every exact hit, though they have more plays than three of them.
    EXPECT_EQ(Ids("needle point", 6, 2),
              (Strings{"low00002", "low00001", "typo00002", "typo00001"}));
    EXPECT_EQ(Ids("filler needle", 1), Strings{});
  }
}

TEST_F(PostgresSearchRankTest, StatisticsChooseTheRankWindowForCommonWordsOnly) {
  pg::Connection conn = SideConnection(database_);
  InsertNeedlesAmongFillers(conn);
  pg::SearchStatistics statistics;
  conn.Script("BEGIN");
  EXPECT_TRUE(statistics.Current(conn)->empty());  // never analyzed
  conn.Script("COMMIT; ANALYZE track_search; BEGIN");
  // Read again only after kRefresh: a new reader sees them at once.
  EXPECT_TRUE(statistics.Current(conn)->empty());
  pg::SearchStatistics fresh;
  auto tables = fresh.Current(conn);
  conn.Script("COMMIT");
  ASSERT_TRUE(tables->contains("track_search"));
  const pg::WordStatistics& tracks = tables->at("track_search");
  ASSERT_TRUE(tracks.known());
  EXPECT_NEAR(tracks.rows(), kFillers + 6, 50);
  EXPECT_GT(tracks.Word("filler"), 0.95);
  EXPECT_LT(tracks.Word("needle"), 0.01);
  EXPECT_GT(tracks.Prefix("fil"), 0.95);
  EXPECT_LT(tracks.Word("absent"), 0.01);
  // A common word is read off the best-ranked rows; a rare one asked of the GIN index.
  pg::PassEstimate common{tracks.Word("filler"), tracks.Word("filler"), tracks.Word("filler")};
  pg::PassEstimate rare{tracks.Word("needle"), tracks.Word("needle"), tracks.Word("needle")};
  EXPECT_GT(pg::WindowRows(tracks, common, 10, 5000), 0);
  EXPECT_EQ(pg::WindowRows(tracks, rare, 10, 5000), 0);
  EXPECT_EQ(pg::WindowRows(tracks, pg::PassEstimate{}, 10, 5000), 0);  // matches nothing
  EXPECT_EQ(pg::WindowRows(pg::WordStatistics(), rare, 10, 5000), 5000);
}

TEST_F(PostgresSearchRankTest, WordIndexesKeepNoPendingList) {
  pg::Result rows = SideConnection(database_).Exec(
      "SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_search\\_words' "
      "AND reloptions @> ARRAY['fastupdate=off']");
  EXPECT_EQ(rows.Int(0, 0), 4);
}

TEST_F(PostgresSearchRankTest, DocumentsTooLongForTheRankIndexAreStillFound) {
  // 600 distinct CJK characters across title, album and artist: words too large for a btree
  // entry. The insert must not fail, and the document is matched from the table instead.
  auto cjk = [](int from) {
    return "(SELECT string_agg(chr(19968 + " + std::to_string(from) +
           " + 7 * k), '') FROM generate_series(0, 199) AS k)";
  };
  Script(std::string(kOwner) + "UPDATE artists SET name = " + cjk(0) + ";" +
         "UPDATE albums SET title = " + cjk(2000) + ";" +
         InsertTracks("long", cjk(4000), 1, "500") +
         InsertTracks("short", "'\xE4\xB8\x80\xE4\xB8\x87'", 1, "400") +  // U+4E00 U+4E07
         InsertTracks("plain", "'Plain ' || i", 3, "i"));
  EXPECT_EQ(SideConnection(database_)
                .Exec("SELECT count(*) FROM track_search WHERE rank_words IS NULL")
                .Int(0, 0),
            5);  // every track of that album, whose documents hold its and its artist's names
  // The artist's first two characters (and the short title), found in rank order.
  EXPECT_EQ(Ids("\xE4\xB8\x80\xE4\xB8\x87", 2), (Strings{"long00001", "short00001"}));
  EXPECT_EQ(Ids("plain", 1), Strings{"plain00003"});
  std::vector<SearchHit> artists = Hits("\xE4\xB8\x80\xE4\xB8\x87", SearchKind::kArtist, 5, 0);
  ASSERT_EQ(artists.size(), 1U);
  EXPECT_EQ(artists[0].play_count, 500 + 400 + 1 + 2 + 3);
}

TEST_F(PostgresSearchRankTest, RankColumnsAreFilledForRowsStoredBefore) {
  std::string database = NewEmptyDatabase();
  std::size_t before = 0;
  for (const auto& m : pg::AllMigrations()) before += m.version < 11 ? 1 : 0;
  {
    pg::Connection conn = SideConnection(database);
    ASSERT_GT(pg::ApplyMigrations(conn, pg::AllMigrations().first(before)), 0);
    conn.Script(std::string(kOwner) +
                "INSERT INTO artists VALUES ('ar2', 'u1', 'Other Various', NULL, 7, 7);"
                "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
                "VALUES ('al2', 'ar1', 'Collection Two', 9, 9);" +
                InsertTracks("t", "'Song ' || i", 3, "10 * i") +
                "UPDATE tracks SET status = 'processing' WHERE id = 't00003';"
                "UPDATE tracks SET album_id = 'al2' WHERE id = 't00001';"
                "INSERT INTO playlists (id, owner_user_id, name, is_public, created_at, "
                "updated_at) VALUES ('p1', 'u1', 'Various Mix', true, 5, 5);");
  }
  auto catalog = OpenPostgresCatalog(
      PostgresOptions{.url = test_support::SharedPostgresServer().Url(database), .pool_size = 2});
  EXPECT_EQ(catalog->Migrate(), static_cast<int>(pg::AllMigrations().size() - before));
  auto hits = [&](const std::string& text, SearchKind kind) {
    Strings out;
    catalog->Read([&](CatalogTransaction& tx) {
      for (const SearchHit& hit : tx.search().Search({text, kind})) {
        out.push_back(hit.id + "=" + std::to_string(hit.play_count) + "@" +
                      std::to_string(hit.created_at));
      }
    });
    return out;
  };
  // Plays of every track, ready or not: al1 holds t2 (20) and t3 (30), al2 t1 (10).
  EXPECT_EQ(hits("collection", SearchKind::kAlbum), (Strings{"al1=50@1", "al2=10@9"}));
  EXPECT_EQ(hits("various", SearchKind::kArtist), (Strings{"ar1=60@1", "ar2=0@7"}));
  EXPECT_EQ(hits("mix", SearchKind::kPlaylist), (Strings{"p1=0@5"}));
  // And kept from then on.
  SideConnection(database).Script("UPDATE tracks SET play_count = play_count + 1;");
  EXPECT_EQ(hits("collection", SearchKind::kAlbum), (Strings{"al1=52@1", "al2=11@9"}));
  EXPECT_EQ(hits("various", SearchKind::kArtist), (Strings{"ar1=63@1", "ar2=0@7"}));
}

}  // namespace
}  // namespace cadenza::testing
