#include "adapters/sqlite/search_repository.h"

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/search_rank.h"
#include "domain/search_text.h"
#include "ports/search_kind_name.h"

namespace cadenza::sqlite {
namespace {

constexpr std::size_t kMaxTypoVariants = 16;
// Prefixes longer than the longest prefix index (3) are written as their completions when
// there are at most this many: FTS5 walks an OR of words lazily, in key order, but reads every
// posting of every completion before it returns the first match of a prefix it has no index for.
constexpr std::size_t kMaxCompletions = 32;
constexpr std::size_t kLongestIndexedPrefix = 3;

// After "WITH picked(doc_id, exact_hit) AS (the candidates)": the columns of a SearchHit, in
// its order, then the ranking keys; ?3 limit, ?4 offset.
constexpr char kTrackSelect[] =
    ", ranked AS (SELECT s.id, s.plays, s.created, picked.exact_hit "
    "FROM picked JOIN track_search s ON s.doc_id = picked.doc_id "
    "ORDER BY picked.exact_hit DESC, s.plays DESC, s.created DESC, s.id LIMIT ?3 OFFSET ?4) "
    "SELECT t.id, t.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "t.duration_ms, '', t.play_count, t.created_at "
    "FROM ranked JOIN tracks t ON t.id = ranked.id JOIN albums al ON al.id = t.album_id "
    "JOIN artists ar ON ar.id = al.artist_id "
    "ORDER BY ranked.exact_hit DESC, ranked.plays DESC, ranked.created DESC, ranked.id";
constexpr char kAlbumSelect[] =
    "SELECT al.id, al.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "NULL, '', s.plays, al.created_at, picked.exact_hit, s.created "
    "FROM picked JOIN album_search s ON s.doc_id = picked.doc_id "
    "JOIN albums al ON al.id = s.id JOIN artists ar ON ar.id = al.artist_id ";
constexpr char kArtistSelect[] =
    "SELECT ar.id, ar.name, ar.id, ar.name, '', '', NULL, NULL, NULL, '', s.plays, "
    "ar.created_at, picked.exact_hit, s.created "
    "FROM picked JOIN artist_search s ON s.doc_id = picked.doc_id "
    "JOIN artists ar ON ar.id = s.id ";
constexpr char kPlaylistSelect[] =
    "SELECT p.id, p.name, '', '', '', '', NULL, NULL, NULL, p.owner_user_id, 0, p.created_at, "
    "picked.exact_hit, s.created "
    "FROM picked JOIN playlist_search s ON s.doc_id = picked.doc_id "
    "JOIN playlists p ON p.id = s.id ";
constexpr char kOrderOthers[] =
    "ORDER BY picked.exact_hit DESC, s.plays DESC, s.created DESC, s.id LIMIT ?3 OFFSET ?4";

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

// The FTS5 expression of every term, each with its typo variants (none for the exact pass);
// `last_word` writes the last term's word (and its variants) as a prefix.
std::string MatchExpression(const std::vector<SearchTerm>& terms,
                            const std::vector<std::vector<std::string>>& variants,
                            const std::function<std::string(const std::string&)>& last_word) {
  std::string out;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    bool last = i + 1 == terms.size();
    auto write = [&](const std::vector<std::string>& tokens) {
      return last && tokens.size() == 1 ? last_word(tokens[0]) : Phrase(tokens, last);
    };
    std::string either = write(terms[i].tokens);
    bool fuzzy = i < variants.size() && !variants[i].empty();
    if (fuzzy) {
      for (const std::string& variant : variants[i]) either += " OR " + write({variant});
    }
    out += (i > 0 ? " AND " : "") + (fuzzy ? "(" + either + ")" : either);
  }
  return out;
}

std::string JsonArray(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::int64_t id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "]";
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

std::string SqliteSearchRepository::PrefixMatch(const std::string& word) {
  if (CodePointCount(word) <= kLongestIndexedPrefix) return Phrase({word}, true);
  // search_words holds every indexed word of four characters or more: all the completions.
  auto query = conn_.Prepare("SELECT word FROM search_words WHERE word >= ?1 AND word < ?2 LIMIT ?3");
  query->BindText(1, word).BindText(2, word + "\xF5").BindInt(3, kMaxCompletions + 1);
  std::vector<std::string> completions;
  while (query->Step()) completions.push_back(query->ColumnText(0));
  if (completions.size() > kMaxCompletions) return Phrase({word}, true);
  if (completions.empty()) return Phrase({word}, false);  // matches nothing, quickly
  std::string out = "(";
  for (const std::string& completion : completions) {
    out += (out.size() > 1 ? " OR " : "") + Phrase({completion}, false);
  }
  return out + ")";
}

std::vector<std::int64_t> SqliteSearchRepository::Walk(const SearchRequest& request,
                                                       const std::string& match, std::size_t want,
                                                       const std::vector<std::int64_t>& skip) {
  std::string kind(SearchKindName(request.kind));
  std::string sql = "SELECT f.rowid FROM " + kind + "_search_fts f ";
  if (request.kind == SearchKind::kPlaylist) {
    // Others' private playlists are passed over here, so that they never use up a page.
    sql += "JOIN playlist_search s ON s.doc_id = f.rowid JOIN playlists p ON p.id = s.id ";
  }
  sql += "WHERE " + kind + "_search_fts MATCH ?1 ";
  if (request.kind == SearchKind::kPlaylist) sql += "AND (p.is_public = 1 OR p.owner_user_id = ?2) ";
  sql += "ORDER BY f.rowid";
  auto query = conn_.Prepare(sql);
  query->BindText(1, match);
  if (request.kind == SearchKind::kPlaylist) query->BindText(2, request.viewer_user_id);
  std::unordered_set<std::int64_t> skipped(skip.begin(), skip.end());
  std::vector<std::int64_t> keys;
  std::int64_t group_end = -1;
  while (query->Step()) {
    std::int64_t key = query->ColumnInt(0);
    if (group_end >= 0 && key > group_end) break;
    if (skipped.contains(key)) continue;
    keys.push_back(key);
    if (keys.size() == want) group_end = SearchRankGroupEnd(key);
  }
  return keys;
}

std::vector<SearchHit> SqliteSearchRepository::Search(const SearchRequest& request) {
  std::vector<SearchTerm> terms = SearchTerms(request.text);
  if (terms.empty()) return {};
  auto want = static_cast<std::size_t>(request.offset) + static_cast<std::size_t>(request.limit);
  auto last_word = [this](const std::string& word) { return PrefixMatch(word); };
  std::vector<std::int64_t> exact =
      Walk(request, MatchExpression(terms, {}, last_word), want, {});
  std::vector<std::int64_t> fuzzy;
  if (exact.size() < want) {  // every exact match is in: typos may fill the rest of the page
    std::vector<std::vector<std::string>> variants;
    bool any = false;
    for (const SearchTerm& term : terms) {
      variants.emplace_back();
      if (!term.per_character && CodePointCount(term.tokens[0]) >= kMinTypoWordChars) {
        variants.back() = TypoVariants(term.tokens[0]);
        any = any || !variants.back().empty();
      }
    }
    if (any) {
      fuzzy = Walk(request, MatchExpression(terms, variants, last_word), want - exact.size(),
                   exact);
    }
  }
  if (exact.empty() && fuzzy.empty()) return {};
  std::string sql =
      "WITH picked(doc_id, exact_hit) AS (SELECT value, 1 FROM json_each(?1) "
      "UNION ALL SELECT value, 0 FROM json_each(?2)) " + std::string(KindSelect(request.kind));
  if (request.kind != SearchKind::kTrack) sql += kOrderOthers;
  auto query = conn_.Prepare(sql);
  query->BindText(1, JsonArray(exact)).BindText(2, JsonArray(fuzzy)).BindInt(3, request.limit)
      .BindInt(4, request.offset);
  std::vector<SearchHit> hits;
  while (query->Step()) hits.push_back(ReadHit(*query));
  return hits;
}

}  // namespace cadenza::sqlite
