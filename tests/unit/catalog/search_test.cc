// The search conformance suite (ports/search.h), run against every catalogue adapter.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "unit/catalog/catalog_fixture.h"

namespace cadenza::testing {
namespace {

class SearchTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    Write([](CatalogTransaction& tx) {
      tx.users().Insert(MakeUser("u1", "one@example.com"));
      tx.users().Insert(MakeUser("u2", "two@example.com"));
    });
  }

  void AddArtist(const std::string& id, const std::string& name, Timestamp created = 0) {
    Artist artist = MakeArtist(id, "u1");
    artist.name = name;
    if (created != 0) artist.created_at = created;
    Write([&](CatalogTransaction& tx) { tx.artists().Insert(artist); });
  }

  void AddAlbum(const std::string& id, const std::string& artist_id, const std::string& title,
                Timestamp created = 0) {
    Album album = MakeAlbum(id, artist_id);
    album.title = title;
    if (created != 0) album.created_at = created;
    Write([&](CatalogTransaction& tx) { tx.albums().Insert(album); });
  }

  void AddTrack(const std::string& id, const std::string& album_id, const std::string& title,
                Timestamp created = 0, TrackStatus status = TrackStatus::kReady) {
    Track track = MakeTrack(id, album_id);
    track.title = title;
    track.status = status;
    track.duration_ms = 200000;
    if (created != 0) track.created_at = created;
    Write([&](CatalogTransaction& tx) { tx.tracks().Insert(track); });
  }

  // Artist, album and track in one go, each id derived from `id`.
  void AddSong(const std::string& id, const std::string& artist, const std::string& album,
               const std::string& title) {
    AddArtist("ar-" + id, artist);
    AddAlbum("al-" + id, "ar-" + id, album);
    AddTrack(id, "al-" + id, title);
  }

  void SetPlays(const std::string& track_id, int plays) {
    under_test_->Exec("UPDATE tracks SET play_count = " + std::to_string(plays) +
                      " WHERE id = '" + track_id + "'");
  }

  std::vector<SearchHit> Hits(const std::string& text, SearchKind kind = SearchKind::kTrack,
                              const std::string& viewer = "", int limit = 20, int offset = 0) {
    return catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.search().Search(SearchRequest{text, kind, viewer, limit, offset});
    });
  }

  Strings Find(const std::string& text, SearchKind kind = SearchKind::kTrack,
               const std::string& viewer = "") {
    Strings ids;
    for (const SearchHit& hit : Hits(text, kind, viewer)) ids.push_back(hit.id);
    return ids;
  }

  // "id=plays" of each hit, in rank order.
  Strings Plays(const std::string& text, SearchKind kind) {
    Strings out;
    for (const SearchHit& hit : Hits(text, kind)) {
      out.push_back(hit.id + "=" + std::to_string(hit.play_count));
    }
    return out;
  }

  // The ids of one page.
  Strings Page(const std::string& text, int limit, int offset,
               SearchKind kind = SearchKind::kTrack, const std::string& viewer = "") {
    Strings ids;
    for (const SearchHit& hit : Hits(text, kind, viewer, limit, offset)) ids.push_back(hit.id);
    return ids;
  }
};

TEST_F(SearchTest, IgnoresCaseAndDiacritics) {
  AddSong("t1", "Beyoncé", "Lemonade", "Formation");
  AddSong("t2", "Björk", "Homogenic", "Jóga");
  EXPECT_EQ(Find("beyonce"), Strings{"t1"});
  EXPECT_EQ(Find("BEYONCÉ"), Strings{"t1"});
  EXPECT_EQ(Find("bjork"), Strings{"t2"});
  EXPECT_EQ(Find("BJÖRK"), Strings{"t2"});
  EXPECT_EQ(Find("joga"), Strings{"t2"});
  EXPECT_EQ(Find("bjork", SearchKind::kArtist), Strings{"ar-t2"});
  EXPECT_EQ(Find("homogenic", SearchKind::kAlbum), Strings{"al-t2"});
}

TEST_F(SearchTest, FoldsGreekCyrillicAndDecomposedText) {
  AddSong("t1", "Пётр Чайковский", "Щелкунчик", "Вальс цветов");
  AddSong("t2", "Μίκης Θεοδωράκης", "Ζορμπάς", "Συρτάκι");
  AddSong("t3", "Sigur Ro\xCC\x81s", "Takk", "Glo\xCC\x81so\xCC\x81li");  // combining acutes
  EXPECT_EQ(Find("ЧАЙКОВСКИЙ вальс"), Strings{"t1"});
  EXPECT_EQ(Find("петр"), Strings{"t1"});
  EXPECT_EQ(Find("θεοδωρακης"), Strings{"t2"});
  EXPECT_EQ(Find("ΣΥΡΤΑΚΙ"), Strings{"t2"});
  EXPECT_EQ(Find("sigur ros glosoli"), Strings{"t3"});
  EXPECT_EQ(Find("Sigur Rós Glósóli"), Strings{"t3"});
}

TEST_F(SearchTest, RanksPrefixMatchesWithExactOnesBeforeTypos) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  AddTrack("prefix", "al1", "Metallicana", 1700000000000);
  AddTrack("typo", "al1", "Metalica", 1700000000000);
  SetPlays("typo", 100);
  EXPECT_EQ(Find("metallica"), (Strings{"prefix", "typo"}));
}

TEST_F(SearchTest, LastWordMatchesAsPrefixEarlierWordsWhole) {
  AddSong("t1", "Radiohead", "OK Computer", "Karma Police");
  EXPECT_EQ(Find("radioh", SearchKind::kArtist), Strings{"ar-t1"});
  EXPECT_EQ(Find("r", SearchKind::kArtist), Strings{"ar-t1"});
  EXPECT_EQ(Find("karma pol"), Strings{"t1"});
  EXPECT_EQ(Find("karma police"), Strings{"t1"});
  EXPECT_TRUE(Find("karm police").empty());  // only the last word is a prefix
  EXPECT_EQ(Find("radioheads", SearchKind::kArtist), Strings{"ar-t1"});  // one typo
  EXPECT_TRUE(Find("radioheadzz").empty());
}

TEST_F(SearchTest, MatchesWordsInAnyOrderAcrossTitleArtistAndAlbum) {
  AddSong("t1", "Daft Punk", "Homework", "Around the World");
  AddSong("t2", "Daft Punk Tribute", "Covers", "One More Time");
  EXPECT_EQ(Find("daft punk around"), Strings{"t1"});
  EXPECT_EQ(Find("around daft"), Strings{"t1"});
  EXPECT_EQ(Find("homework world"), Strings{"t1"});
  EXPECT_TRUE(Find("daft punk zebra").empty());
  EXPECT_EQ(Find("punk homework", SearchKind::kAlbum), Strings{"al-t1"});
}

TEST_F(SearchTest, RenamesAreFoundUnderTheNewNameOnly) {
  AddSong("t1", "Daft Punk", "Homework", "Around the World");
  Write([](CatalogTransaction& tx) {
    Artist artist = *tx.artists().FindById("ar-t1");
    artist.name = "Thomas Bangalter";
    tx.artists().Update(artist);
    Album album = *tx.albums().FindById("al-t1");
    album.title = "Discovery";
    tx.albums().Update(album);
    // Inside the transaction the index already says so.
    EXPECT_EQ(tx.search().Search({"bangalter discovery", SearchKind::kTrack}).size(), 1U);
  });
  EXPECT_TRUE(Find("daft").empty());
  EXPECT_TRUE(Find("daft", SearchKind::kArtist).empty());
  EXPECT_TRUE(Find("daft", SearchKind::kAlbum).empty());
  EXPECT_TRUE(Find("homework").empty());
  EXPECT_EQ(Find("bangalter around"), Strings{"t1"});
  EXPECT_EQ(Find("bangalter discovery", SearchKind::kAlbum), Strings{"al-t1"});
  EXPECT_EQ(Find("thomas", SearchKind::kArtist), Strings{"ar-t1"});
  Write([](CatalogTransaction& tx) {
    Track track = *tx.tracks().FindById("t1");
    track.title = "Harder Better";
    tx.tracks().Update(track);
  });
  EXPECT_TRUE(Find("around").empty());
  EXPECT_EQ(Find("harder"), Strings{"t1"});
}

TEST_F(SearchTest, MovedAlbumsAndTracksAreFoundUnderTheirNewArtist) {
  AddSong("t1", "Massive Attack", "Mezzanine", "Teardrop");
  AddSong("t2", "Elizabeth Fraser", "Solo", "Underwater");
  Write([](CatalogTransaction& tx) {
    Album album = *tx.albums().FindById("al-t1");
    album.artist_id = "ar-t2";
    tx.albums().Update(album);
    Track track = *tx.tracks().FindById("t2");
    track.album_id = "al-t1";
    tx.tracks().Update(track);
  });
  EXPECT_TRUE(Find("massive teardrop").empty());
  EXPECT_EQ(Find("fraser teardrop"), Strings{"t1"});
  EXPECT_EQ(Find("fraser mezzanine", SearchKind::kAlbum), Strings{"al-t1"});
  EXPECT_TRUE(Find("underwater solo").empty());
  EXPECT_EQ(Find("underwater mezzanine"), Strings{"t2"});
}

TEST_F(SearchTest, DeletedAndUnreadyTracksAreNeverFound) {
  AddSong("t1", "Blur", "Parklife", "Girls and Boys");
  AddTrack("t2", "al-t1", "Girls Processing", 0, TrackStatus::kProcessing);
  AddTrack("t3", "al-t1", "Girls Failed", 0, TrackStatus::kFailed);
  EXPECT_EQ(Find("girls"), Strings{"t1"});
  Write([](CatalogTransaction& tx) {
    Track track = *tx.tracks().FindById("t2");
    track.status = TrackStatus::kReady;
    tx.tracks().Update(track);
  });
  EXPECT_EQ(Find("girls processing"), Strings{"t2"});
  Write([](CatalogTransaction& tx) {
    Track track = *tx.tracks().FindById("t2");
    track.status = TrackStatus::kFailed;
    tx.tracks().Update(track);
    tx.tracks().Delete("t1");
  });
  EXPECT_TRUE(Find("girls").empty());
  Write([](CatalogTransaction& tx) { tx.artists().Delete("ar-t1"); });  // cascades
  EXPECT_TRUE(Find("blur", SearchKind::kArtist).empty());
  EXPECT_TRUE(Find("parklife", SearchKind::kAlbum).empty());
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM track_search"), 0);
}

TEST_F(SearchTest, ScriptsWithoutSpacesMatchBySubstring) {
  AddSong("t1", "東京事変", "教育", "東京の夜");
  AddSong("t2", "아이유", "팔레트", "서울의 밤");
  EXPECT_EQ(Find("東京"), Strings{"t1"});
  EXPECT_EQ(Find("の夜"), Strings{"t1"});
  EXPECT_EQ(Find("京の"), Strings{"t1"});
  EXPECT_EQ(Find("事変 の夜"), Strings{"t1"});
  EXPECT_TRUE(Find("京夜").empty());
  EXPECT_EQ(Find("울의"), Strings{"t2"});
  EXPECT_EQ(Find("이유", SearchKind::kArtist), Strings{"ar-t2"});
}

TEST_F(SearchTest, ForgivesOneTypoInLongWordsOnly) {
  AddSong("t1", "Metallica", "Master of Puppets", "Battery");
  AddSong("t2", "The Beatles", "Abbey Road", "Something");
  AddSong("t3", "Blur", "Parklife", "Tracy Jacks");
  EXPECT_EQ(Find("metalica"), Strings{"t1"});
  EXPECT_EQ(Find("metalica", SearchKind::kArtist), Strings{"ar-t1"});
  EXPECT_EQ(Find("beetles"), Strings{"t2"});
  EXPECT_EQ(Find("beetles something"), Strings{"t2"});
  EXPECT_EQ(Find("the beetles", SearchKind::kArtist), Strings{"ar-t2"});
  EXPECT_TRUE(Find("blor").empty());       // four letters: no typo forgiven
  EXPECT_TRUE(Find("metalika").empty());   // two edits
  EXPECT_TRUE(Find("battery metalika").empty());
}

TEST_F(SearchTest, IgnoresPunctuationAndApostrophes) {
  AddSong("t1", "Queen", "Jazz", "Don't Stop Me Now");
  AddSong("t2", "AC/DC", "Back in Black", "Hells Bells");
  EXPECT_EQ(Find("dont stop"), Strings{"t1"});
  EXPECT_EQ(Find("don't stop"), Strings{"t1"});
  EXPECT_EQ(Find("DON’T, stop!"), Strings{"t1"});
  EXPECT_EQ(Find("ac dc", SearchKind::kArtist), Strings{"ar-t2"});
  EXPECT_EQ(Find("ac/dc hells"), Strings{"t2"});
  EXPECT_EQ(Find("hell's bells"), Strings{"t2"});
  EXPECT_TRUE(Find("hell s bells").empty());  // the apostrophe joins: "hells" is not "hell s"
}

TEST_F(SearchTest, RanksExactBeforeTyposThenPlaysThenNewer) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  AddTrack("exact", "al1", "Metallica Medley", 1700000000000);
  AddTrack("typo", "al1", "Metallika Medley", 1700000000000);
  SetPlays("typo", 100);
  EXPECT_EQ(Find("metallica"), (Strings{"exact", "typo"}));

  AddTrack("a", "al1", "Song A", 1700000000000);
  AddTrack("b", "al1", "Song B", 1700000000000);
  AddTrack("c", "al1", "Song C", 1700000000500);
  SetPlays("a", 5);
  SetPlays("b", 10);
  SetPlays("c", 10);
  EXPECT_EQ(Find("song"), (Strings{"c", "b", "a"}));
  std::vector<SearchHit> hits = Hits("song");
  ASSERT_EQ(hits.size(), 3U);
  EXPECT_EQ(hits[0].play_count, 10);
  EXPECT_EQ(hits[0].created_at, 1700000000500);
}

TEST_F(SearchTest, AlbumsAndArtistsRankByTheirTracksPlays) {
  AddArtist("x", "Echo Few", 1700000000000);
  AddAlbum("ax", "x", "Echo Album One", 1700000000000);
  AddTrack("x1", "ax", "One");
  AddTrack("x2", "ax", "Two");
  AddArtist("y", "Echo Many", 1700000000000);
  AddAlbum("ay", "y", "Echo Album Two", 1700000000000);
  AddTrack("y1", "ay", "Three");
  SetPlays("x1", 3);
  SetPlays("x2", 4);
  SetPlays("y1", 6);
  std::vector<SearchHit> artists = Hits("echo", SearchKind::kArtist);
  ASSERT_EQ(artists.size(), 2U);
  EXPECT_EQ(artists[0].id, "x");
  EXPECT_EQ(artists[0].play_count, 7);
  EXPECT_EQ(artists[1].play_count, 6);
  EXPECT_EQ(Find("echo album", SearchKind::kAlbum), (Strings{"ax", "ay"}));
  SetPlays("y1", 8);
  EXPECT_EQ(Find("echo album", SearchKind::kAlbum), (Strings{"ay", "ax"}));
}

TEST_F(SearchTest, HitsCarryWhatAResultListShows) {
  AddSong("t1", "Portishead", "Dummy", "Glory Box");
  under_test_->Exec("UPDATE albums SET cover_key = 'covers/al-t1/v1/', cover_max_px = 600");
  SetPlays("t1", 42);
  std::vector<SearchHit> hits = Hits("glory");
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].title, "Glory Box");
  EXPECT_EQ(hits[0].artist_id, "ar-t1");
  EXPECT_EQ(hits[0].artist_name, "Portishead");
  EXPECT_EQ(hits[0].album_id, "al-t1");
  EXPECT_EQ(hits[0].album_title, "Dummy");
  EXPECT_EQ(hits[0].cover_key, "covers/al-t1/v1/");
  EXPECT_EQ(hits[0].cover_max_px, 600);
  EXPECT_EQ(hits[0].duration_ms, 200000);
  EXPECT_EQ(hits[0].play_count, 42);
  EXPECT_EQ(hits[0].created_at, 1700000000300);
  std::vector<SearchHit> albums = Hits("dummy", SearchKind::kAlbum);
  ASSERT_EQ(albums.size(), 1U);
  EXPECT_EQ(albums[0].title, "Dummy");
  EXPECT_EQ(albums[0].artist_name, "Portishead");
  EXPECT_EQ(albums[0].cover_key, "covers/al-t1/v1/");
  EXPECT_EQ(albums[0].play_count, 42);
}

TEST_F(SearchTest, PrivatePlaylistsAreFoundByTheirOwnerOnly) {
  Write([](CatalogTransaction& tx) {
    Playlist open = MakePlaylist("p-public", "u1", true);
    open.name = "Road Trip";
    Playlist mine = MakePlaylist("p-u1", "u1", false);
    mine.name = "Road Secrets";
    Playlist theirs = MakePlaylist("p-u2", "u2", false);
    theirs.name = "Road Mine";
    theirs.created_at = open.created_at + 1;
    tx.playlists().Insert(open);
    tx.playlists().Insert(mine);
    tx.playlists().Insert(theirs);
  });
  auto sorted = [](Strings ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(sorted(Find("road", SearchKind::kPlaylist, "u1")), (Strings{"p-public", "p-u1"}));
  EXPECT_EQ(sorted(Find("road", SearchKind::kPlaylist, "u2")), (Strings{"p-public", "p-u2"}));
  EXPECT_EQ(Find("road", SearchKind::kPlaylist), Strings{"p-public"});
  std::vector<SearchHit> hits = Hits("trip", SearchKind::kPlaylist);
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].owner_user_id, "u1");
  EXPECT_EQ(hits[0].title, "Road Trip");
  Write([](CatalogTransaction& tx) {
    Playlist renamed = *tx.playlists().FindById("p-public");
    renamed.name = "Highway";
    tx.playlists().Update(renamed);
  });
  EXPECT_TRUE(Find("trip", SearchKind::kPlaylist).empty());
  EXPECT_EQ(Find("highway", SearchKind::kPlaylist, "u2"), Strings{"p-public"});
}

TEST_F(SearchTest, HostileTextNeverThrows) {
  AddSong("t1", "Daft Punk", "Homework", "Around the World");
  AddSong("t2", "Near Dark", "Or And Not", "Star");
  const Strings hostile = {
      "\"", "*", "NEAR(", "OR", "AND", "NOT", "-", "a:b", "^", "(", ")", "()", "'", "\"daft",
      "daft*", "daft OR punk", "NOT daft", "-daft", "doc:daft", "{doc}: daft", "daft + punk",
      "x\"y", "'; DROP TABLE tracks; --", "%", "_", "\\", "NEAR(daft punk, 2)", "daft AND",
      "&&", "||", "!", "~", ":*", "a & b", "a | b", "<->", "!daft"};
  for (const std::string& text : hostile) {
    for (SearchKind kind : {SearchKind::kTrack, SearchKind::kAlbum, SearchKind::kArtist,
                            SearchKind::kPlaylist}) {
      EXPECT_NO_THROW(Hits(text, kind, "u1")) << text;
    }
  }
  std::string mixed;
  while (mixed.size() < 190) mixed += "Ωmega 東京 (\"x\") ñ 🎵 ";
  EXPECT_NO_THROW(Hits(mixed.substr(0, 200)));
  EXPECT_EQ(Find("\"daft"), Strings{"t1"});
  EXPECT_EQ(Find("-daft"), Strings{"t1"});
  EXPECT_EQ(Find("daft*"), Strings{"t1"});
  EXPECT_EQ(Find("NEAR("), Strings{"t2"});
  EXPECT_EQ(Find("or and not"), Strings{"t2"});
  EXPECT_EQ(Find("doc:daft"), Strings{});  // "doc" is just another word to match
  EXPECT_EQ(Find("daft 𝄞 ⺀ ♥"), Strings{"t1"});  // symbols are separators on both engines
  for (const char* only_punctuation : {"\"", "*", "-", "^", "()", "'", "!?.,;:", "🎵"}) {
    EXPECT_TRUE(Find(only_punctuation).empty()) << only_punctuation;
  }
}

TEST_F(SearchTest, PagesAreStableAndDisjoint) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  for (int i = 0; i < 25; ++i) {
    AddTrack("t" + std::to_string(100 + i), "al1", "Echo " + std::to_string(i),
             1700000000000 + (i % 3));
    SetPlays("t" + std::to_string(100 + i), i % 4);
  }
  std::set<std::string> seen;
  Strings all;
  for (int offset = 0; offset < 30; offset += 10) {
    std::vector<SearchHit> page = Hits("echo", SearchKind::kTrack, "", 10, offset);
    std::vector<SearchHit> again = Hits("echo", SearchKind::kTrack, "", 10, offset);
    ASSERT_EQ(page.size(), again.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
      EXPECT_EQ(page[i].id, again[i].id);
      EXPECT_TRUE(seen.insert(page[i].id).second) << page[i].id << " on two pages";
      all.push_back(page[i].id);
    }
  }
  EXPECT_EQ(all.size(), 25U);
  std::vector<SearchHit> whole = Hits("echo", SearchKind::kTrack, "", 50, 0);
  ASSERT_EQ(whole.size(), 25U);
  for (std::size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(whole[i].id, all[i]);
  for (std::size_t i = 1; i < whole.size(); ++i) {
    EXPECT_GE(whole[i - 1].play_count, whole[i].play_count);
  }
}

TEST_F(SearchTest, AlbumsAndArtistsFollowPlaysAfterTracksMoveAndAlbumsDelete) {
  AddArtist("e1", "Echo One", 1700000000000);
  AddArtist("e2", "Echo Two", 1700000000000);
  AddAlbum("a1", "e1", "Echo Alpha", 1700000000000);
  AddAlbum("a2", "e1", "Echo Beta", 1700000000000);
  AddAlbum("a3", "e2", "Echo Gamma", 1700000000000);
  AddTrack("t1", "a1", "First");
  AddTrack("t2", "a2", "Second");
  AddTrack("t3", "a3", "Third");
  SetPlays("t1", 10);
  SetPlays("t2", 5);
  SetPlays("t3", 7);
  EXPECT_EQ(Plays("echo", SearchKind::kAlbum), (Strings{"a1=10", "a3=7", "a2=5"}));
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e1=15", "e2=7"}));

  under_test_->Exec("UPDATE tracks SET album_id = 'a3' WHERE id = 't1'");
  EXPECT_EQ(Plays("echo", SearchKind::kAlbum), (Strings{"a3=17", "a2=5", "a1=0"}));
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e2=17", "e1=5"}));

  under_test_->Exec("UPDATE albums SET artist_id = 'e2' WHERE id = 'a2'");
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e2=22", "e1=0"}));
  EXPECT_EQ(Plays("echo two", SearchKind::kAlbum), (Strings{"a3=17", "a2=5"}));

  Write([](CatalogTransaction& tx) { tx.albums().Delete("a3"); });  // its tracks cascade
  EXPECT_EQ(Plays("echo", SearchKind::kAlbum), (Strings{"a2=5", "a1=0"}));
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e2=5", "e1=0"}));

  AddTrack("t4", "a1", "Fourth");
  SetPlays("t4", 9);
  Write([](CatalogTransaction& tx) { tx.tracks().Delete("t2"); });
  EXPECT_EQ(Plays("echo", SearchKind::kAlbum), (Strings{"a1=9", "a2=0"}));
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e1=9", "e2=0"}));
  Write([](CatalogTransaction& tx) { tx.artists().Delete("e1"); });  // albums, tracks cascade
  EXPECT_EQ(Plays("echo", SearchKind::kArtist), (Strings{"e2=0"}));
  EXPECT_EQ(Plays("echo", SearchKind::kAlbum), (Strings{"a2=0"}));
}

TEST_F(SearchTest, RanksExactlyWithinAWideBandOfPlays) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  struct Row {
    const char* id;
    int plays;
    Timestamp created;
  };
  // Scrambled; w2, w6 and w7 share a second, w2 and w7 a millisecond too.
  const Row rows[] = {{"w6", 100, 1700000001200}, {"w4", 0, 1700000000100},
                      {"w1", 105, 1700000001000}, {"w7", 100, 1700000001500},
                      {"w3", 3000, 1700000000000}, {"w8", 0, 1700000001999},
                      {"w2", 100, 1700000001500}, {"w5", 110, 1700000000900}};
  for (const Row& row : rows) {
    AddTrack(row.id, "al1", std::string("Wave ") + row.id, row.created);
    SetPlays(row.id, row.plays);
  }
  const Strings expected = {"w3", "w5", "w1", "w2", "w7", "w6", "w8", "w4"};
  EXPECT_EQ(Find("wave"), expected);
  Strings paged;
  for (int offset = 0; offset < 10; offset += 2) {
    Strings page = Page("wave", 2, offset);
    EXPECT_LE(page.size(), 2U);
    paged.insert(paged.end(), page.begin(), page.end());
  }
  EXPECT_EQ(paged, expected);  // disjoint pages, in the same order
  std::vector<SearchHit> hits = Hits("wave");
  ASSERT_EQ(hits.size(), expected.size());
  EXPECT_EQ(hits[0].play_count, 3000);
  EXPECT_EQ(hits[3].created_at, 1700000001500);
}

TEST_F(SearchTest, ExactMatchesFillThePageBeforeTypos) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  for (int i = 1; i <= 5; ++i) {
    std::string id = "exact" + std::to_string(i);
    AddTrack(id, "al1", "Rainbow " + std::to_string(i), 1700000000000 + i);
    SetPlays(id, i);
  }
  AddTrack("fuzzy1", "al1", "Rainbw One", 1700000000000);
  AddTrack("fuzzy2", "al1", "Rainbw Two", 1700000000000);
  SetPlays("fuzzy1", 100);  // more plays than any exact match
  SetPlays("fuzzy2", 200);
  EXPECT_EQ(Page("rainbow", 3, 0), (Strings{"exact5", "exact4", "exact3"}));
  EXPECT_EQ(Page("rainbow", 3, 3), (Strings{"exact2", "exact1", "fuzzy2"}));
  EXPECT_EQ(Page("rainbow", 3, 5), (Strings{"fuzzy2", "fuzzy1"}));
  EXPECT_TRUE(Page("rainbow", 3, 7).empty());
  EXPECT_EQ(Page("rainbw", 2, 0), (Strings{"fuzzy2", "fuzzy1"}));  // exact for this spelling
}

TEST_F(SearchTest, OthersPrivatePlaylistsNeverUseUpAPage) {
  Write([](CatalogTransaction& tx) {
    for (int i = 0; i < 3; ++i) {
      Playlist open = MakePlaylist("public" + std::to_string(i), "u2", true);
      open.name = "Mix " + std::to_string(i);
      open.created_at = 1700000000000 + i;
      tx.playlists().Insert(open);
    }
    for (int i = 0; i < 30; ++i) {
      Playlist hidden = MakePlaylist("private" + std::to_string(i + 10), "u2", false);
      hidden.name = "mix " + std::to_string(i);
      hidden.created_at = 1700000010000 + i;  // newer than every public one
      tx.playlists().Insert(hidden);
    }
  });
  EXPECT_EQ(Page("mix", 3, 0, SearchKind::kPlaylist, "u1"),
            (Strings{"public2", "public1", "public0"}));
  EXPECT_TRUE(Page("mix", 3, 3, SearchKind::kPlaylist, "u1").empty());
  EXPECT_EQ(Page("mix", 3, 0, SearchKind::kPlaylist),
            (Strings{"public2", "public1", "public0"}));
  EXPECT_EQ(Page("mix", 3, 0, SearchKind::kPlaylist, "u2"),
            (Strings{"private39", "private38", "private37"}));
  EXPECT_EQ(Page("mix", 3, 30, SearchKind::kPlaylist, "u2"),
            (Strings{"public2", "public1", "public0"}));
}

TEST_F(SearchTest, PlaysChangesReorderResults) {
  AddArtist("ar1", "Various");
  AddAlbum("al1", "ar1", "Collection");
  AddTrack("a", "al1", "Tide A", 1700000000000);
  AddTrack("b", "al1", "Tide B", 1700000000000);
  AddTrack("c", "al1", "Tide C", 1700000000000);
  SetPlays("a", 10);
  SetPlays("b", 20);
  SetPlays("c", 30);
  EXPECT_EQ(Find("tide"), (Strings{"c", "b", "a"}));
  SetPlays("a", 50);
  EXPECT_EQ(Find("tide"), (Strings{"a", "c", "b"}));
  EXPECT_EQ(Plays("tide", SearchKind::kTrack), (Strings{"a=50", "c=30", "b=20"}));
  SetPlays("a", 15);
  EXPECT_EQ(Find("tide"), (Strings{"c", "b", "a"}));
  SetPlays("c", 0);
  EXPECT_EQ(Find("tide"), (Strings{"b", "a", "c"}));
  EXPECT_EQ(Plays("various", SearchKind::kArtist), (Strings{"ar1=35"}));
}

}  // namespace
}  // namespace cadenza::testing
