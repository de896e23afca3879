#include "adapters/postgres/pg_search_repository.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/postgres/pg_search_statistics.h"
#include "domain/search_text.h"
#include "ports/search_kind_name.h"

namespace cadenza::pg {
namespace {

constexpr std::size_t kMaxTypoVariants = 16;
// A last word's prefix is asked of the GIN index as the whole words it begins when there are
// at most this many; search_words holds every indexed word of four characters or more, so
// only prefixes of four or more can be expanded.
constexpr int kMaxPrefixWords = 64;
constexpr std::size_t kMinPrefixChars = 4;

// After "WITH page (id, pos)" (the page's ids, $1, in rank order): the columns of a SearchHit,
// in its order. play_count and created_at come from the documents, which keep them.
constexpr char kTrackPage[] =
    "SELECT t.id, t.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "t.duration_ms, '', s.plays, s.created FROM page c JOIN track_search s ON s.id = c.id "
    "JOIN tracks t ON t.id = c.id JOIN albums al ON al.id = t.album_id "
    "JOIN artists ar ON ar.id = al.artist_id ORDER BY c.pos";
constexpr char kAlbumPage[] =
    "SELECT al.id, al.title, ar.id, ar.name, al.id, al.title, al.cover_key, al.cover_max_px, "
    "NULL::BIGINT, '', s.plays, s.created FROM page c JOIN album_search s ON s.id = c.id "
    "JOIN albums al ON al.id = c.id JOIN artists ar ON ar.id = al.artist_id ORDER BY c.pos";
constexpr char kArtistPage[] =
    "SELECT ar.id, ar.name, ar.id, ar.name, '', '', NULL, NULL, NULL::BIGINT, '', s.plays, "
    "s.created FROM page c JOIN artist_search s ON s.id = c.id JOIN artists ar ON ar.id = c.id "
    "ORDER BY c.pos";
constexpr char kPlaylistPage[] =
    "SELECT p.id, p.name, '', '', '', '', NULL, NULL, NULL::BIGINT, p.owner_user_id, s.plays, "
    "s.created FROM page c JOIN playlist_search s ON s.id = c.id "
    "JOIN playlists p ON p.id = c.id ORDER BY c.pos";

std::string PageSql(SearchKind kind) {
  std::string sql =
      "WITH page AS (SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS c(id, pos)) ";
  switch (kind) {
    case SearchKind::kTrack: return sql + kTrackPage;
    case SearchKind::kAlbum: return sql + kAlbumPage;
    case SearchKind::kArtist: return sql + kArtistPage;
    case SearchKind::kPlaylist: return sql + kPlaylistPage;
  }
  return sql + kTrackPage;
}

// What a pass asks of one kind's documents. Parameters: $1 the tsquery, $2 how many ids,
// then the LIKE patterns of the runs (when there are any), the viewer (playlists) and, for
// the GIN query only, the part of the tsquery the GIN index is asked.
struct PassShape {
  std::string table;  // <kind>_search
  bool runs = false;
  bool playlists = false;
};

// Conditions on a row `s` whose words match: the order of each run (its document s.doc, or
// when the row came from the rank index, read for the rows that got this far only) and a
// playlist's visibility. Scalar subqueries, which the planner keeps per row rather than
// turning into a join over a whole table.
std::string RowChecks(const PassShape& shape, bool has_doc) {
  std::string checks;
  int next = 3;
  if (shape.runs) {
    std::string doc =
        has_doc ? "s.doc" : "(SELECT d.doc FROM " + shape.table + " d WHERE d.id = s.id)";
    checks += " AND (' ' || " + doc + " || ' ') LIKE ALL ($" + std::to_string(next++) +
              "::text[])";
  }
  if (shape.playlists) {
    checks += " AND COALESCE((SELECT p.is_public OR p.owner_user_id = $" + std::to_string(next) +
              " FROM playlists p WHERE p.id = s.id), FALSE)";
  }
  return checks;
}

constexpr char kRankOrder[] = " ORDER BY s.plays DESC, s.created DESC, s.id LIMIT $2";

// The best-ranked documents (as many as the last parameter says) from the rank index alone,
// in its order (no sort), filtered on their words (a long document's read from the table),
// then on the other checks (CASE: only for rows whose words match). Stops at the $2-th hit.
std::string WindowSql(const PassShape& shape) {
  std::string words = "COALESCE(s.rank_words, (SELECT x.words FROM " + shape.table +
                      " x WHERE x.id = s.id)) @@ $1::tsquery";
  std::string checks = RowChecks(shape, false);
  int rows = 3 + (shape.runs ? 1 : 0) + (shape.playlists ? 1 : 0);
  return "SELECT s.id FROM (SELECT id, plays, created, rank_words FROM " + shape.table +
         " ORDER BY plays DESC, created DESC, id LIMIT $" + std::to_string(rows) + ") s WHERE " +
         (checks.empty() ? words : "CASE WHEN " + words + " THEN TRUE" + checks +
                                       " ELSE FALSE END") +
         kRankOrder;
}

// Every match through the GIN index, then sorted: for queries the window had too few of.
std::string GinSql(const PassShape& shape) {
  int gin = 3 + (shape.runs ? 1 : 0) + (shape.playlists ? 1 : 0);
  return "WITH m AS MATERIALIZED (SELECT id, plays, created, words" +
         std::string(shape.runs ? ", doc" : "") + " FROM " + shape.table + " WHERE words @@ $" +
         std::to_string(gin) + "::tsquery) SELECT s.id FROM m s WHERE s.words @@ $1::tsquery" +
         RowChecks(shape, true) + kRankOrder;
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
// same without variants, and a LIKE pattern per run of a script without spaces, whose
// characters the tsquery only requires somewhere in the document. The *_index ones leave out
// a last word's prefix, which the GIN index answers with a bitmap of every word it begins
// (all of "heart":* for "saudade heart"): the whole words alone it intersects cheaply, and the
// prefix is checked on their matches. Empty when the prefix is all there is.
struct Plan {
  std::string query;
  std::string exact;
  std::string query_index;
  std::string exact_index;
  std::vector<std::string> runs;
};

// Without typo_variants, query is exact.
Plan MakePlan(const std::vector<SearchTerm>& terms,
              const std::function<std::vector<std::string>(const std::string&)>& typo_variants) {
  Plan plan;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const SearchTerm& term = terms[i];
    bool last = i + 1 == terms.size();
    std::string exact = "(";
    std::string either = "(";
    if (term.per_character) {
      // Its neighbouring pairs, which the documents' words hold (cadenza_words), or the one
      // character; the LIKE puts the pairs in order.
      for (std::size_t k = 0; k + 1 < term.tokens.size(); ++k) {
        exact += (exact.size() > 1 ? " & " : "") + Lexeme(term.tokens[k] + term.tokens[k + 1],
                                                          false);
      }
      if (term.tokens.size() == 1) exact += Lexeme(term.tokens[0], false);
      exact += ")";
      either = exact;
      plan.runs.push_back("% " + Join(term.tokens) + " %");
    } else {
      const std::string& word = term.tokens[0];
      exact += Lexeme(word, last) + ")";
      either += Lexeme(word, last);
      if (typo_variants) {
        for (const std::string& variant : typo_variants(word)) {
          either += " | " + Lexeme(variant, last);
        }
      }
      either += ")";
    }
    plan.query += (i > 0 ? " & " : "") + either;
    plan.exact += (i > 0 ? " & " : "") + exact;
    if (!last || term.per_character) {
      plan.query_index += (i > 0 ? " & " : "") + either;
      plan.exact_index += (i > 0 ? " & " : "") + exact;
    }
  }
  return plan;
}

// A term's share of the documents as written and with its typo variants, and the GIN posting
// entries each reads: a word's (the last one's as a prefix), or its character pairs'.
struct TermEstimate {
  double exact = 1;
  double either = 1;
  double exact_postings = 0;
  double either_postings = 0;
};

TermEstimate EstimateTerm(const WordStatistics& stats, const SearchTerm& term, bool last,
                          const std::vector<std::string>& variants) {
  TermEstimate estimate;
  if (term.per_character) {
    if (term.tokens.size() == 1) estimate.exact = stats.Word(term.tokens[0]);
    for (std::size_t k = 0; k + 1 < term.tokens.size(); ++k) {
      double pair = stats.Word(term.tokens[k] + term.tokens[k + 1]);
      estimate.exact *= pair;
      estimate.exact_postings += pair;
    }
    if (term.tokens.size() == 1) estimate.exact_postings = estimate.exact;
    estimate.either = estimate.exact;
    estimate.either_postings = estimate.exact_postings;
    return estimate;
  }
  auto share = [&](const std::string& word) {
    return last ? stats.Prefix(word) : stats.Word(word);
  };
  estimate.exact = estimate.exact_postings = share(term.tokens[0]);
  estimate.either_postings = estimate.exact;
  for (const std::string& variant : variants) estimate.either_postings += share(variant);
  estimate.either = std::min(estimate.either_postings, 1.0);
  return estimate;
}

// Whether the GIN index is asked a term: a last word's prefix only as the words it begins,
// which search_words can list from kMinPrefixChars on (and a fuzzy pass never asks it).
bool AskedOfIndex(const SearchTerm& term, bool last, bool fuzzy) {
  if (!last || term.per_character) return true;
  return !fuzzy && CodePointCount(term.tokens[0]) >= kMinPrefixChars;
}

// Documents are assumed to hold different words independently of each other; a word typed
// twice, or a last prefix that an earlier word begins with, narrows nothing.
PassEstimate EstimatePass(const std::vector<TermEstimate>& terms,
                          const std::vector<SearchTerm>& query, bool fuzzy) {
  PassEstimate pass;
  double exact = 1;
  double either = 1;
  double postings = 0;
  double index = 1;
  bool asked = false;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const bool last = i + 1 == terms.size();
    bool repeated = false;
    for (std::size_t k = 0; k < i && !query[i].per_character; ++k) {
      repeated = repeated || (!query[k].per_character &&
                              (last ? query[k].tokens[0].starts_with(query[i].tokens[0])
                                    : query[k].tokens[0] == query[i].tokens[0]));
    }
    const double term_postings = fuzzy ? terms[i].either_postings : terms[i].exact_postings;
    postings += term_postings;
    if (AskedOfIndex(query[i], last, fuzzy)) {
      asked = true;
      pass.index_postings += term_postings;
      if (!repeated) index *= fuzzy ? terms[i].either : terms[i].exact;
    }
    if (repeated) continue;
    pass.combined = i > 0;
    exact *= terms[i].exact;
    either *= terms[i].either;
  }
  pass.matches = fuzzy ? std::max(either - exact, 0.0) : exact;
  // Nothing for the index alone: it is asked the pass's own query.
  pass.index_postings = asked ? pass.index_postings : postings;
  pass.index_matches = asked ? index : (fuzzy ? either : exact);
  return pass;
}

std::vector<std::string> IdsOf(const Result& rows) {
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int row = 0; row < rows.Rows(); ++row) ids.push_back(rows.Text(row, 0));
  return ids;
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

const std::vector<std::string>& PgSearchRepository::TypoVariants(const std::string& word) {
  auto known = typo_variants_.find(word);
  if (known != typo_variants_.end()) return known->second;
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
  return typo_variants_.emplace(word, std::move(variants)).first->second;
}

const std::string& PgSearchRepository::PrefixWords(const std::string& prefix) {
  auto known = prefix_words_.find(prefix);
  if (known != prefix_words_.end()) return known->second;
  std::string& words = prefix_words_[prefix];
  if (CodePointCount(prefix) < kMinPrefixChars) return words;
  Result rows = conn_.Exec("SELECT word FROM search_words WHERE word >= $1 AND word < $2 LIMIT $3",
                           Params().Text(prefix).Text(prefix + "\xF4\x8F\xBF\xBF").Int(
                               kMaxPrefixWords + 1));
  if (rows.Rows() == 0 || rows.Rows() > kMaxPrefixWords) return words;
  words = "(";
  for (int row = 0; row < rows.Rows(); ++row) {
    words += (row > 0 ? " | " : "") + Lexeme(rows.Text(row, 0), false);
  }
  return words += ")";
}

std::vector<std::string> PgSearchRepository::RankedIds(
    const SearchRequest& request, const std::string& query,
    const std::function<std::string()>& index_query, const std::string& runs, int want,
    int window_rows) {
  PassShape shape{std::string(SearchKindName(request.kind)) + "_search", runs != "{}",
                  request.kind == SearchKind::kPlaylist};
  Params params;
  params.Text(query).Int(want);
  if (shape.runs) params.Text(runs);
  if (shape.playlists) params.Text(request.viewer_user_id);
  if (window_rows > 0) {
    Params window = params;
    Result rows = conn_.Exec(WindowSql(shape), window.Int(window_rows));
    if (rows.Rows() >= want) return IdsOf(rows);
  }
  std::string asked = index_query ? index_query() : std::string();
  params.Text(asked.empty() ? query : asked);
  return IdsOf(conn_.Exec(GinSql(shape), params));
}

const WordStatistics& PgSearchRepository::StatisticsOf(SearchKind kind) {
  static const WordStatistics kNone;
  if (!statistics_) statistics_ = shared_statistics_.Current(conn_);
  auto found = statistics_->find(std::string(SearchKindName(kind)) + "_search");
  return found == statistics_->end() ? kNone : found->second;
}

std::vector<SearchHit> PgSearchRepository::Search(const SearchRequest& request) {
  std::vector<SearchTerm> terms = SearchTerms(request.text);
  if (terms.empty()) return {};
  const int want = request.offset + request.limit;
  const WordStatistics& stats = StatisticsOf(request.kind);
  const Plan exact = MakePlan(terms, nullptr);
  const std::string runs = ArrayLiteral(exact.runs);
  std::vector<TermEstimate> estimates;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    estimates.push_back(EstimateTerm(stats, terms[i], i + 1 == terms.size(), {}));
  }
  // The GIN index is asked the whole words, and the last word's prefix as the words it begins.
  auto exact_index = [&]() {
    const SearchTerm& last = terms.back();
    std::string words = last.per_character ? "" : PrefixWords(last.tokens[0]);
    if (words.empty()) return exact.exact_index;
    return exact.exact_index.empty() ? words : exact.exact_index + " & " + words;
  };
  std::vector<std::string> ids =
      RankedIds(request, exact.exact, exact_index, runs, want,
                WindowRows(stats, EstimatePass(estimates, terms, false), want, kWindowRows));
  // Typo variants only when the exact hits leave room on the page: a common query skips them.
  if (std::cmp_less(ids.size(), want)) {
    auto variants = [this](const std::string& word) {
      return CodePointCount(word) >= kMinTypoWordChars ? TypoVariants(word)
                                                       : std::vector<std::string>();
    };
    Plan plan = MakePlan(terms, variants);
    if (plan.query != plan.exact) {
      for (std::size_t i = 0; i < terms.size(); ++i) {
        if (terms[i].per_character) continue;
        estimates[i] = EstimateTerm(stats, terms[i], i + 1 == terms.size(),
                                    variants(terms[i].tokens[0]));
      }
      const int rest = want - static_cast<int>(ids.size());
      std::vector<std::string> fuzzy = RankedIds(
          request, "(" + plan.query + ") & !(" + plan.exact + ")",
          [&]() { return plan.query_index; }, runs, rest,
          WindowRows(stats, EstimatePass(estimates, terms, true), rest, kWindowRows));
      ids.insert(ids.end(), fuzzy.begin(), fuzzy.end());
    }
  }
  if (std::cmp_less_equal(ids.size(), request.offset)) return {};
  std::vector<std::string> page(ids.begin() + request.offset,
                                ids.begin() + std::min<std::ptrdiff_t>(want, std::ssize(ids)));
  Result rows = conn_.Exec(PageSql(request.kind), Params().Text(ArrayLiteral(page)));
  std::vector<SearchHit> hits;
  hits.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int row = 0; row < rows.Rows(); ++row) hits.push_back(ReadHit(rows, row));
  return hits;
}

}  // namespace cadenza::pg
