#include "adapters/postgres/pg_search_repository.h"

#include <functional>
#include <string>
#include <vector>

#include "domain/search_text.h"
#include "ports/search_kind_name.h"

namespace cadenza::pg {
namespace {

constexpr std::size_t kMaxTypoVariants = 16;

// After "WITH matched AS (id, [plays, created,] exact_hit of the matching documents)", with
// $5 limit, $6 offset, $7 viewer: the columns of a SearchHit, in its order.
// Tracks: ranked on their documents (which copy plays and created) before anything else is
// read, so that only a page of tracks, albums and artists is.
constexpr char kTrackSelect[] =
    ", ranked AS (SELECT id, plays, created, exact_hit FROM matched "
    "ORDER BY exact_hit DESC, plays DESC, created DESC, id LIMIT $5 OFFSET $6) "
    "SELECT t.id, t.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "t.duration_ms, '' AS owner, t.play_count, t.created_at "
    "FROM ranked JOIN tracks t ON t.id = ranked.id JOIN albums al ON al.id = t.album_id "
    "JOIN artists ar ON ar.id = al.artist_id "
    "ORDER BY ranked.exact_hit DESC, ranked.plays DESC, ranked.created DESC, ranked.id";
// The others: then plays, created and the exact flag, for the ORDER BY appended.
constexpr char kAlbumSelect[] =
    "SELECT al.id, al.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "NULL::BIGINT, '' AS owner, "
    "(SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = al.id) AS plays, "
    "al.created_at AS created, m.exact_hit "
    "FROM matched m JOIN albums al ON al.id = m.id JOIN artists ar ON ar.id = al.artist_id ";
constexpr char kOrderOthers[] =
    "ORDER BY exact_hit DESC, plays DESC, created DESC, 1 LIMIT $5 OFFSET $6";
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

std::string FirstCodePoint(const std::string& word) {
  std::size_t length = 1;
  while (length < word.size() && (static_cast<unsigned char>(word[length]) & 0xC0) == 0x80) {
    ++length;
  }
  return word.substr(0, length);
}

// A tsquery lexeme. Words hold no quote or backslash (folding made them separators).
std::string Lexeme(const std::string& word, bool prefix) {
  return "'" + word + (prefix ? "':*" : "'");
}

// What a query asks of the documents: a tsquery of every term (with its typo variants), the
// same without variants (for the exact-match flag), and a LIKE pattern per run of a script
// without spaces, whose characters the tsquery only requires somewhere in the document.
struct Plan {
  std::string query;
  std::string exact;
  std::vector<std::string> runs;
  std::size_t typed_chars = 0;
};

Plan MakePlan(const std::vector<SearchTerm>& terms,
              const std::function<std::vector<std::string>(const std::string&)>& typo_variants) {
  Plan plan;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const SearchTerm& term = terms[i];
    bool last = i + 1 == terms.size();
    std::string exact = "(";
    std::string either = "(";
    if (term.per_character) {
      for (const std::string& token : term.tokens) {
        exact += (exact.size() > 1 ? " & " : "") + Lexeme(token, false);
      }
      exact += ")";
      either = exact;
      plan.runs.push_back("% " + Join(term.tokens) + " %");
      plan.typed_chars += term.tokens.size();
    } else {
      const std::string& word = term.tokens[0];
      std::size_t chars = CodePointCount(word);
      plan.typed_chars += chars;
      exact += Lexeme(word, last) + ")";
      either += Lexeme(word, last);
      if (chars >= kMinTypoWordChars) {
        for (const std::string& variant : typo_variants(word)) {
          either += " | " + Lexeme(variant, last);
        }
      }
      either += ")";
    }
    plan.query += (i > 0 ? " & " : "") + either;
    plan.exact += (i > 0 ? " & " : "") + exact;
  }
  return plan;
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
  // Three probes of the (chars, word) index, each one slice of words with the same first letter
  // (U+10FFFF sorts after every continuation of it).
  std::string first = FirstCodePoint(word);
  auto chars = static_cast<std::int64_t>(CodePointCount(word));
  Result rows = conn_.Exec(
      "SELECT word FROM search_words WHERE chars IN ($3, $4, $5) AND word >= $1 AND word < $2",
      Params().Text(first).Text(first + "\xF4\x8F\xBF\xBF").Int(chars - 1).Int(chars).Int(
          chars + 1));
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
  Plan plan = MakePlan(terms, [this](const std::string& word) { return TypoVariants(word); });
  std::string kind(SearchKindName(request.kind));
  std::string sql = "WITH matched AS (SELECT id, " +
                    std::string(request.kind == SearchKind::kTrack ? "plays, created, " : "") +
                    "words @@ $3::tsquery AS exact_hit FROM " + kind +
                    "_search WHERE words @@ $1::tsquery "
                    "AND (' ' || doc || ' ') LIKE ALL ($2::text[]) LIMIT $4) " +
                    std::string(KindSelect(request.kind));
  if (request.kind != SearchKind::kTrack) sql += kOrderOthers;
  Params params;
  params.Text(plan.query).Text(ArrayLiteral(plan.runs)).Text(plan.exact);
  if (plan.typed_chars <= 2) {
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
