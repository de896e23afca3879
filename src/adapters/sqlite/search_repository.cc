#include "adapters/sqlite/search_repository.h"

#include <string>
#include <vector>

#include "domain/search_text.h"
#include "ports/search_kind_name.h"

namespace cadenza::sqlite {
namespace {

constexpr std::size_t kMaxTypoVariants = 16;

// Tracks: ranked on their documents (which copy plays and created) before anything else is
// read, so that a common word costs one index walk and one sort, and only a page of tracks,
// albums and artists is read.
constexpr char kTrackSelect[] =
    ", ranked AS (SELECT s.id, s.plays, s.created, {exact} AS exact_hit "
    "FROM matched JOIN track_search s ON s.doc_id = matched.doc_id "
    "ORDER BY exact_hit DESC, s.plays DESC, s.created DESC, s.id LIMIT ?4 OFFSET ?5) "
    "SELECT t.id, t.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "t.duration_ms, '', t.play_count, t.created_at "
    "FROM ranked JOIN tracks t ON t.id = ranked.id JOIN albums al ON al.id = t.album_id "
    "JOIN artists ar ON ar.id = al.artist_id "
    "ORDER BY ranked.exact_hit DESC, ranked.plays DESC, ranked.created DESC, ranked.id";
// The others: the columns of a SearchHit, in its order, then the ranking keys.
constexpr char kAlbumSelect[] =
    "SELECT al.id, al.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "NULL, '', (SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = al.id) AS plays, "
    "al.created_at AS created, {exact} AS exact_hit "
    "FROM matched JOIN album_search s ON s.doc_id = matched.doc_id "
    "JOIN albums al ON al.id = s.id JOIN artists ar ON ar.id = al.artist_id ";
constexpr char kArtistSelect[] =
    "SELECT ar.id, ar.name, ar.id, ar.name, '', '', NULL, NULL, NULL, '', "
    "(SELECT COALESCE(SUM(t.play_count), 0) FROM albums a2 JOIN tracks t ON t.album_id = a2.id "
    " WHERE a2.artist_id = ar.id) AS plays, ar.created_at AS created, {exact} AS exact_hit "
    "FROM matched JOIN artist_search s ON s.doc_id = matched.doc_id "
    "JOIN artists ar ON ar.id = s.id ";
constexpr char kPlaylistSelect[] =
    "SELECT p.id, p.name, '', '', '', '', NULL, NULL, NULL, p.owner_user_id, 0 AS plays, "
    "p.created_at AS created, {exact} AS exact_hit "
    "FROM matched JOIN playlist_search s ON s.doc_id = matched.doc_id "
    "JOIN playlists p ON p.id = s.id WHERE (p.is_public = 1 OR p.owner_user_id = ?6) ";

std::string_view KindSelect(SearchKind kind) {
  switch (kind) {
    case SearchKind::kTrack: return kTrackSelect;
    case SearchKind::kAlbum: return kAlbumSelect;
    case SearchKind::kArtist: return kArtistSelect;
    case SearchKind::kPlaylist: return kPlaylistSelect;
  }
  return kTrackSelect;
}

// A phrase of folded tokens. Tokens hold no '"' (FoldForSearch makes it a separator), so
// nothing inside can end the string early.
std::string Phrase(const std::vector<std::string>& tokens, bool prefix) {
  std::string out = "\"";
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    out += tokens[i];
  }
  out += prefix ? "\"*" : "\"";
  return out;
}

void Replace(std::string& text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
}

std::string FirstCodePoint(const std::string& word) {
  std::size_t length = 1;
  while (length < word.size() && (static_cast<unsigned char>(word[length]) & 0xC0) == 0x80) {
    ++length;
  }
  return word.substr(0, length);
}

SearchHit ReadHit(const Statement& s) {
  SearchHit hit;
  hit.id = s.ColumnText(0);
  hit.title = s.ColumnText(1);
  hit.artist_id = s.ColumnText(2);
  hit.artist_name = s.ColumnText(3);
  hit.album_id = s.ColumnText(4);
  hit.album_title = s.ColumnText(5);
  hit.cover_key = s.ColumnOptionalText(6);
  hit.cover_max_px = static_cast<int>(s.ColumnInt(7));
  hit.duration_ms = s.ColumnOptionalInt(8);
  hit.owner_user_id = s.ColumnText(9);
  hit.play_count = s.ColumnInt(10);
  hit.created_at = s.ColumnInt(11);
  return hit;
}

}  // namespace

std::vector<std::string> SqliteSearchRepository::TypoVariants(const std::string& word) {
  // Three probes of the (chars, word) index, each one slice of words with the same first letter.
  auto query = conn_.Prepare(
      "SELECT word FROM search_words WHERE chars IN (?3, ?4, ?5) AND word >= ?1 AND word < ?2");
  std::string first = FirstCodePoint(word);
  auto chars = static_cast<std::int64_t>(CodePointCount(word));
  // Every UTF-8 continuation of `first` sorts below first + 0xF5 (no UTF-8 byte is that high).
  query->BindText(1, first).BindText(2, first + "\xF5").BindInt(3, chars - 1).BindInt(4, chars)
      .BindInt(5, chars + 1);
  std::vector<std::string> variants;
  while (variants.size() < kMaxTypoVariants && query->Step()) {
    std::string term = query->ColumnText(0);
    if (term != word && WithinOneEdit(term, word)) variants.push_back(std::move(term));
  }
  return variants;
}

std::vector<SearchHit> SqliteSearchRepository::Search(const SearchRequest& request) {
  std::vector<SearchTerm> terms = SearchTerms(request.text);
  if (terms.empty()) return {};
  std::string exact;  // every term as typed
  std::string full;   // every term as typed or with one typo
  bool has_variants = false;
  std::size_t typed_chars = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const SearchTerm& term = terms[i];
    bool last = i + 1 == terms.size();
    std::string phrase = Phrase(term.tokens, last);
    for (const std::string& token : term.tokens) typed_chars += CodePointCount(token);
    std::vector<std::string> variants;
    if (!term.per_character && CodePointCount(term.tokens[0]) >= kMinTypoWordChars) {
      variants = TypoVariants(term.tokens[0]);
    }
    std::string either = phrase;
    for (const std::string& variant : variants) either += " OR " + Phrase({variant}, last);
    if (!variants.empty()) has_variants = true;
    if (i > 0) {
      exact += " AND ";
      full += " AND ";
    }
    exact += phrase;
    full += variants.empty() ? phrase : "(" + either + ")";
  }
  std::string kind(SearchKindName(request.kind));
  std::string sql = "WITH matched AS (SELECT rowid AS doc_id FROM " + kind + "_search_fts WHERE " +
                    kind + "_search_fts MATCH ?1 LIMIT ?2) " + std::string(KindSelect(request.kind));
  if (request.kind != SearchKind::kTrack) {
    sql += "ORDER BY exact_hit DESC, plays DESC, created DESC, 1 LIMIT ?4 OFFSET ?5";
  }
  Replace(sql, "{exact}",
          has_variants ? "(matched.doc_id IN (SELECT rowid FROM " + kind + "_search_fts WHERE " +
                             kind + "_search_fts MATCH ?3))"
                       : "1");
  auto query = conn_.Prepare(sql);
  query->BindText(1, full)
      .BindInt(2, typed_chars <= 2 ? kShortQueryCandidates : -1)
      .BindText(3, exact)
      .BindInt(4, request.limit)
      .BindInt(5, request.offset);
  if (request.kind == SearchKind::kPlaylist) query->BindText(6, request.viewer_user_id);
  std::vector<SearchHit> hits;
  while (query->Step()) hits.push_back(ReadHit(*query));
  return hits;
}

}  // namespace cadenza::sqlite
