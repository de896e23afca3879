// The search use case: what it accepts from a client, what it refuses (and says why), and how
// it asks the catalogue: every kind in one read, the viewer's private playlists included,
// pages through cursors.
#include "services/search_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "account_test_env.h"
#include "ports/crypto.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

SearchParams Q(std::string q) {
  SearchParams params;
  params.q = std::move(q);
  return params;
}

// The field and message of the 400 ParseSearchQuery throws for `params`.
std::string Refusal(const SearchParams& params, std::string* field = nullptr) {
  Error error = ErrorFrom([&] { ParseSearchQuery(params); });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.what();
  if (field != nullptr) *field = error.field();
  return error.what();
}

TEST(SearchQueryTest, DefaultsToEveryKindTenHitsFromTheTop) {
  SearchQuery query = ParseSearchQuery(Q("  blue monday \t"));
  EXPECT_EQ(query.text, "blue monday");
  EXPECT_EQ(query.kinds, (std::vector<SearchKind>{SearchKind::kTrack, SearchKind::kAlbum,
                                                  SearchKind::kArtist, SearchKind::kPlaylist}));
  EXPECT_EQ(query.limit, 10);
  EXPECT_EQ(query.offset, 0);
}

TEST(SearchQueryTest, TheQueryTextIsChecked) {
  std::string field;
  EXPECT_EQ(Refusal(SearchParams{}, &field), "q is required: the text to search for");
  EXPECT_EQ(field, "q");
  EXPECT_EQ(Refusal(Q("")), "q must not be empty");
  EXPECT_EQ(Refusal(Q(" \t\r\n ")), "q must not be empty");
  EXPECT_EQ(Refusal(Q(std::string(201, 'a'))), "q is too long: at most 200 bytes");
  EXPECT_EQ(Refusal(Q(std::string(10240, 'a'))), "q is too long: at most 200 bytes");
  // 200 bytes after trimming pass, whatever surrounds them.
  EXPECT_EQ(ParseSearchQuery(Q("  " + std::string(200, 'a') + "  ")).text.size(), 200u);
  // 100 two-byte letters are 200 bytes; one more is too many bytes though few characters.
  std::string umlauts;
  for (int i = 0; i < 101; ++i) umlauts += "\xC3\xB6";
  EXPECT_EQ(Refusal(Q(umlauts)), "q is too long: at most 200 bytes");
  EXPECT_EQ(Refusal(Q("abc\xFF")), "q must be valid UTF-8 text");
  EXPECT_EQ(Refusal(Q("\xC0\xAF")), "q must be valid UTF-8 text");
  EXPECT_EQ(Refusal(Q(std::string("a\0b", 3))), "q must not contain control characters");
  EXPECT_EQ(Refusal(Q("a\x1b[31mb")), "q must not contain control characters");
  EXPECT_EQ(Refusal(Q("a\xC2\x85z")), "q must not contain control characters");
  EXPECT_EQ(Refusal(Q("two\nlines")), "q must be a single line (no line breaks)");
}

TEST(SearchQueryTest, EngineSyntaxIsJustText) {
  for (const char* text : {"\"", "*", "NEAR(", "OR", "-", "'", "a:b", "a AND b", "(x", "^"}) {
    EXPECT_EQ(ParseSearchQuery(Q(text)).text, text);
  }
}

TEST(SearchQueryTest, TypesAreACommaListOfKnownKinds) {
  SearchParams params = Q("x");
  params.types = "playlist, track,track";
  EXPECT_EQ(ParseSearchQuery(params).kinds,
            (std::vector<SearchKind>{SearchKind::kTrack, SearchKind::kPlaylist}));
  params.types = "album";
  EXPECT_EQ(ParseSearchQuery(params).kinds, std::vector<SearchKind>{SearchKind::kAlbum});
  std::string field;
  params.types = "track,song";
  EXPECT_EQ(Refusal(params, &field),
            "unknown type \"song\" in types (expected a comma list of track, album, artist, "
            "playlist)");
  EXPECT_EQ(field, "types");
  params.types = "tracks";
  EXPECT_NE(Refusal(params).find("\"tracks\""), std::string::npos);
  params.types = "";
  EXPECT_NE(Refusal(params).find("unknown type \"\""), std::string::npos);
  params.types = "track,";
  EXPECT_NE(Refusal(params).find("unknown type \"\""), std::string::npos);
}

TEST(SearchQueryTest, LimitIsOneToFifty) {
  SearchParams params = Q("x");
  params.limit = "50";
  EXPECT_EQ(ParseSearchQuery(params).limit, 50);
  params.limit = "1";
  EXPECT_EQ(ParseSearchQuery(params).limit, 1);
  for (const char* bad : {"0", "51", "-1", "", "ten", "5x", " 5", "99999999999999999999"}) {
    params.limit = bad;
    std::string field;
    EXPECT_EQ(Refusal(params, &field), "limit must be an integer from 1 to 50 (hits per type)")
        << bad;
    EXPECT_EQ(field, "limit");
  }
}

TEST(SearchQueryTest, ACursorPagesItsOwnKind) {
  SearchParams params = Q("x");
  params.cursor = EncodeSearchCursor(SearchKind::kAlbum, 20);
  SearchQuery query = ParseSearchQuery(params);
  EXPECT_EQ(query.kinds, std::vector<SearchKind>{SearchKind::kAlbum});
  EXPECT_EQ(query.offset, 20);
  params.types = "album";
  EXPECT_EQ(ParseSearchQuery(params).offset, 20);
  params.types = "track";
  EXPECT_EQ(Refusal(params),
            "this cursor pages the album results: send it with types=album or without types");
  params.types = "album,track";
  EXPECT_NE(Refusal(params).find("types=album"), std::string::npos);
}

TEST(SearchQueryTest, ForgedCursorsAreRefused) {
  SearchParams params = Q("x");
  const std::string malformed =
      "cursor is not valid: pass the nextCursor of a previous answer as is";
  for (const std::string& forged :
       {std::string("garbage!"), std::string(""), crypto::Base64UrlEncode("track"),
        crypto::Base64UrlEncode("song:10"), crypto::Base64UrlEncode("track:-10"),
        crypto::Base64UrlEncode("track:0"), crypto::Base64UrlEncode("track:1e3"),
        crypto::Base64UrlEncode("track:99999999999999")}) {
    params.cursor = forged;
    std::string field;
    EXPECT_EQ(Refusal(params, &field), malformed) << forged;
    EXPECT_EQ(field, "cursor");
  }
  params.cursor = EncodeSearchCursor(SearchKind::kTrack, 1000);
  EXPECT_EQ(ParseSearchQuery(params).offset, 1000);
  params.cursor = EncodeSearchCursor(SearchKind::kTrack, 1001);
  EXPECT_EQ(Refusal(params), "cursor goes too deep: results are paged up to 1000 hits per type");
}

class SearchServiceTest : public test_env::ServiceTestEnv {
 protected:
  void SetUp() override {
    ServiceTestEnv::SetUp();
    search_ = std::make_unique<SearchService>(*catalog_);
    label_ = NewAccount(Role::kArtist, "label");
    listener_ = NewAccount(Role::kListener, "listener");
    artist_ = NewArtist(label_, "Zephyr Quartet");
    album_ = NewAlbum(label_, artist_.id, "Zephyr Nights");
  }

  // A track as the ingest worker leaves it: ready, with its duration.
  Track ReadyTrack(const std::string& title) {
    Track track = NewTrack(album_.id, title);
    track.status = TrackStatus::kReady;
    track.progress = 1;
    track.duration_ms = 185000;
    catalog_->Write([&](CatalogTransaction& tx) { tx.tracks().Update(track); });
    return track;
  }

  SearchResults Run(const Principal& who, const std::string& q,
                    std::optional<std::string> types = std::nullopt,
                    std::optional<std::string> limit = std::nullopt,
                    std::optional<std::string> cursor = std::nullopt) {
    return search_->Search(who, SearchParams{q, std::move(types), std::move(limit),
                                             std::move(cursor)});
  }

  static std::vector<std::string> Ids(const SearchSection& section) {
    std::vector<std::string> ids;
    for (const SearchHit& hit : section.hits) ids.push_back(hit.id);
    return ids;
  }

  std::unique_ptr<SearchService> search_;
  Principal label_, listener_;
  Artist artist_;
  Album album_;
};

TEST_F(SearchServiceTest, EveryKindAskedHasASectionInOrder) {
  Track track = ReadyTrack("Zephyr Dawn");
  SearchResults results = Run(listener_, " zephyr ");
  EXPECT_EQ(results.query, "zephyr");
  ASSERT_EQ(results.sections.size(), 4u);
  EXPECT_EQ(results.sections[0].kind, SearchKind::kTrack);
  EXPECT_EQ(Ids(results.sections[0]), std::vector<std::string>{track.id});
  EXPECT_EQ(results.sections[0].hits[0].artist_name, "Zephyr Quartet");
  EXPECT_EQ(results.sections[0].hits[0].album_title, "Zephyr Nights");
  EXPECT_EQ(Ids(results.sections[1]), std::vector<std::string>{album_.id});
  EXPECT_EQ(Ids(results.sections[2]), std::vector<std::string>{artist_.id});
  EXPECT_TRUE(results.sections[3].hits.empty());
  for (const SearchSection& section : results.sections) EXPECT_FALSE(section.next_cursor);

  SearchResults albums = Run(listener_, "zephyr", "album");
  ASSERT_EQ(albums.sections.size(), 1u);
  EXPECT_EQ(albums.sections[0].kind, SearchKind::kAlbum);
}

TEST_F(SearchServiceTest, CursorsWalkEveryHitOnce) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) created.push_back(ReadyTrack("Zephyr Song " + std::to_string(i)).id);
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    SearchResults page = Run(listener_, "zephyr song", "track", "3", cursor);
    ASSERT_EQ(page.sections.size(), 1u);
    for (const std::string& id : Ids(page.sections[0])) seen.push_back(id);
    cursor = page.sections[0].next_cursor;
    ++pages;
  } while (cursor && pages < 10);
  EXPECT_EQ(pages, 3);  // 3 + 3 + 1, and no empty fourth page
  std::sort(seen.begin(), seen.end());
  std::sort(created.begin(), created.end());
  EXPECT_EQ(seen, created);
}

TEST_F(SearchServiceTest, PrivatePlaylistsAreFoundByTheirOwnerOnly) {
  Playlist hidden = playlists_->Create(listener_, PlaylistDraft{"Zephyr Secrets", std::nullopt, false});
  Playlist shown = playlists_->Create(listener_, PlaylistDraft{"Zephyr Shared", std::nullopt, true});
  SearchResults own = Run(listener_, "zephyr", "playlist");
  std::vector<std::string> own_ids = Ids(own.sections[0]);
  std::sort(own_ids.begin(), own_ids.end());
  std::vector<std::string> both{hidden.id, shown.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(own_ids, both);
  EXPECT_EQ(own.sections[0].hits[0].owner_user_id, listener_.user_id);
  Principal other = NewAccount(Role::kListener, "other");
  EXPECT_EQ(Ids(Run(other, "zephyr", "playlist").sections[0]),
            std::vector<std::string>{shown.id});
}

TEST_F(SearchServiceTest, TracksNotReadyAreNotFound) {
  NewTrack(album_.id, "Zephyr Unfinished");
  EXPECT_TRUE(Run(listener_, "unfinished", "track").sections[0].hits.empty());
}

TEST_F(SearchServiceTest, BadParametersAreRefusedBeforeTheCatalogueIsAsked) {
  Error error = ErrorFrom([&] { Run(listener_, "zephyr", "song"); });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.field(), "types");
}

}  // namespace
}  // namespace cadenza
