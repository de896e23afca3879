#include "adapters/postgres/pg_search_repository.h"

#include <string>
#include <vector>

#include "domain/search_text.h"

namespace cadenza::pg {
namespace {

constexpr std::size_t kMaxTypoVariants = 16;

// $1: the longest term's pattern (index), $2: all patterns, $3: the patterns without typo
// variants, $4: candidate bound (NULL: none), $5 limit, $6 offset, $7 viewer.
// The columns of a SearchHit, in its order, then plays, created and the exact flag.
constexpr char kTrackSelect[] =
    "SELECT t.id, t.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "t.duration_ms, '' AS owner, t.play_count AS plays, t.created_at AS created, m.exact_hit "
    "FROM matched m JOIN tracks t ON t.id = m.id JOIN albums al ON al.id = t.album_id "
    "JOIN artists ar ON ar.id = al.artist_id WHERE t.status = 'ready' ";
constexpr char kAlbumSelect[] =
    "SELECT al.id, al.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "NULL::BIGINT, '' AS owner, "
    "(SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = al.id) AS plays, "
    "al.created_at AS created, m.exact_hit "
    "FROM matched m JOIN albums al ON al.id = m.id JOIN artists ar ON ar.id = al.artist_id ";
constexpr char kArtistSelect[] =
    "SELECT ar.id, ar.name, ar.id, ar.name, '', '', NULL, NULL, NULL::BIGINT, '' AS owner, "
    "(SELECT COALESCE(SUM(t.play_count), 0) FROM albums a2 JOIN tracks t ON t.album_id = a2.id "
    " WHERE a2.artist_id = ar.id) AS plays, ar.created_at AS created, m.exact_hit "
    "FROM matched m JOIN artists ar ON ar.id = m.id ";
constexpr char kPlaylistSelect[] =
    "SELECT p.id, p.name, '', '', '', '', NULL, NULL, NULL::BIGINT, p.owner_user_id, 0 AS plays, "
    "p.created_at AS created, m.exact_hit "
    "FROM matched m JOIN playlists p ON p.id = m.id "
    "WHERE (p.is_public OR p.owner_user_id = $7) ";

std::string_view KindName(SearchKind kind) {
  switch (kind) {
    case SearchKind::kTrack: return "track";
    case SearchKind::kAlbum: return "album";
    case SearchKind::kArtist: return "artist";
    case SearchKind::kPlaylist: return "playlist";
  }
  return "track";
}

std::string_view KindSelect(SearchKind kind) {
  switch (kind) {
    case SearchKind::kTrack: return kTrackSelect;
    case SearchKind::kAlbum: return kAlbumSelect;
    case SearchKind::kArtist: return kArtistSelect;
    case SearchKind::kPlaylist: return kPlaylistSelect;
  }
  return kTrackSelect;
}

// A PostgreSQL array literal of strings that hold no '"', '\\', ',', '{', '}' or spaces
// inside a quoted element that matters: every element is quoted, '"' and '\\' escaped.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string Join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& token : tokens) out += (out.empty() ? "" : " ") + token;
  return out;
}

// ' (a|b) ' or, for the last term, ' (a|b)'. The alternatives are folded letters and digits
// with single spaces: no regular-expression syntax.
std::string Pattern(const std::vector<std::string>& alternatives, bool last) {
  std::string out = " (";
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    out += (i > 0 ? "|" : "") + alternatives[i];
  }
  out += last ? ")" : ") ";
  return out;
}

SearchHit ReadHit(const Result& r, int row) {
  SearchHit hit;
  hit.id = r.Text(row, 0);
  hit.title = r.Text(row, 1);
  hit.artist_id = r.Text(row, 2);
  hit.artist_name = r.Text(row, 3);
  hit.album_id = r.Text(row, 4);
  hit.album_title = r.Text(row, 5);
  hit.cover_key = r.OptionalText(row, 6);
  hit.cover_max_px = static_cast<int>(r.Int(row, 7));
  hit.duration_ms = r.OptionalInt(row, 8);
  hit.owner_user_id = r.Text(row, 9);
  hit.play_count = r.Int(row, 10);
  hit.created_at = r.Int(row, 11);
  return hit;
}

}  // namespace

std::vector<std::string> PgSearchRepository::TypoVariants(const std::string& word) {
  // Trigram similarity of words one edit apart drops to about 0.3 for five letters.
  conn_.Exec("SELECT set_config('pg_trgm.similarity_threshold', '0.2', true)");
  auto chars = static_cast<std::int64_t>(CodePointCount(word));
  Result rows = conn_.Exec(
      "SELECT word FROM search_words WHERE word % $1 "
      "AND char_length(word) BETWEEN $2 AND $3 ORDER BY similarity(word, $1) DESC LIMIT 200",
      Params().Text(word).Int(chars - 1).Int(chars + 1));
  std::vector<std::string> variants;
  for (int row = 0; row < rows.Rows() && variants.size() < kMaxTypoVariants; ++row) {
    std::string term = rows.Text(row, 0);
    if (term != word && WithinOneEdit(term, word)) variants.push_back(std::move(term));
  }
  return variants;
}

std::vector<SearchHit> PgSearchRepository::Search(const SearchRequest& request) {
  std::vector<SearchTerm> terms = SearchTerms(request.text);
  if (terms.empty()) return {};
  std::vector<std::string> full;
  std::vector<std::string> exact;
  std::size_t typed_chars = 0;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const SearchTerm& term = terms[i];
    bool last = i + 1 == terms.size();
    std::vector<std::string> alternatives = {Join(term.tokens)};
    std::size_t chars = CodePointCount(alternatives[0]);
    typed_chars += term.per_character ? term.tokens.size() : chars;
    if (!term.per_character && chars >= kMinTypoWordChars) {
      for (std::string& variant : TypoVariants(term.tokens[0])) {
        alternatives.push_back(std::move(variant));
      }
    }
    exact.push_back(Pattern({alternatives[0]}, last));
    full.push_back(Pattern(alternatives, last));
    if (chars > CodePointCount(Join(terms[longest].tokens))) longest = i;
  }
  std::string kind(KindName(request.kind));
  std::string sql =
      "WITH matched AS (SELECT id, (' ' || doc || ' ') ~ ALL ($3::text[]) AS exact_hit FROM " +
      kind + "_search WHERE (' ' || doc || ' ') ~ $1 AND (' ' || doc || ' ') ~ ALL ($2::text[]) "
      "LIMIT $4) " + std::string(KindSelect(request.kind)) +
      "ORDER BY exact_hit DESC, plays DESC, created DESC, 1 LIMIT $5 OFFSET $6";
  Params params;
  params.Text(full[longest]).Text(ArrayLiteral(full)).Text(ArrayLiteral(exact));
  if (typed_chars <= 2) {
    params.Int(kShortQueryCandidates);
  } else {
    params.Null();
  }
  params.Int(request.limit).Int(request.offset);
  if (request.kind == SearchKind::kPlaylist) params.Text(request.viewer_user_id);
  Result rows = conn_.Exec(sql, params);
  std::vector<SearchHit> hits;
  hits.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int row = 0; row < rows.Rows(); ++row) hits.push_back(ReadHit(rows, row));
  return hits;
}

}  // namespace cadenza::pg
