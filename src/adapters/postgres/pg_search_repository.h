#pragma once
// SearchRepository over the PostgreSQL search index (migrations 8 and 11:
// pg_search_migration.h, pg_search_rank_migration.h).
//
// Query: the text is folded by domain/search_text.h into terms and built into a tsquery over
// each document's words (its folded words as they are, no parser or dictionary): 'word' for a
// whole word, 'word':* for the last term (a prefix), and for a run of a script without spaces
// its pairs of neighbouring characters (words of the index too: '東京' & '京都' for 東京都) or
// its one character, with a LIKE '% 東 京 都 %' on the document for their order (a substring).
// A word of kMinTypoWordChars or more also matches the indexed words one edit away that start
// with the same letter ('word' | 'variant'; candidates from search_words by length and first
// letter, as on SQLite, checked with WithinOneEdit). Terms hold only folded letters and digits
// and reach the server as bound parameters, so nothing the user types is query syntax.
//
// Ranking: hits that match without typo variants first, then more plays, newer, id. Every
// kind's documents carry plays and created, and a btree in that order covers their words.
//
// Plan: the page needs the first want = offset + limit hits. A pass has two plans. The window
// walks the best-ranked documents in the rank index alone (an index-only scan, whatever the
// table's size) and keeps those whose words match: when `want` of them do, they are the best
// `want` of all, and a common word costs well under a millisecond. The GIN index finds every
// match and only those are sorted; it is asked the whole words, and the last word's prefix as
// the few indexed words it begins (as a prefix it would build a bitmap of every match: all of
// heart:* for "saudade heart"); the prefix itself is checked on what it returns. Which plan,
// and how many rows the window may read before the GIN plan takes over, comes from the words'
// statistics (pg_search_statistics.h: WindowRows); without them the window reads kWindowRows.
// The LIKE of a script without spaces and a playlist's visibility (public or the viewer's own)
// are checked on the rows whose words match, inside the pass, so invisible playlists never
// take a place on the page. Only when the exact pass found fewer than `want` are typo variants
// looked up, and a fuzzy pass (the query with variants and not the exact one) fills the rest
// the same way. A last query reads what the page's hits show, in rank order. A document too
// long for the rank index (rank_words NULL) has its words read from the table within the
// window.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/postgres/pg_search_statistics.h"
#include "ports/search.h"

namespace cadenza::pg {

class PgSearchRepository final : public SearchRepository {
 public:
  // How many of the best-ranked documents a pass reads before it asks the GIN index instead,
  // when the kind's words have no statistics yet.
  static constexpr int kWindowRows = 5000;

  PgSearchRepository(Connection& conn, SearchStatistics& statistics)
      : conn_(conn), shared_statistics_(statistics) {}
  std::vector<SearchHit> Search(const SearchRequest& request) override;

 private:
  // Indexed words one edit from `word` (itself excluded), at most a few. Remembered for the
  // transaction: a request searching four kinds looks each word up once.
  const std::vector<std::string>& TypoVariants(const std::string& word);
  // The indexed words that begin with `prefix`, as a tsquery ('a' | 'b'); empty when there
  // are none, too many, or `prefix` is too short for search_words to hold them all.
  // Remembered like TypoVariants.
  const std::string& PrefixWords(const std::string& prefix);
  // Ids of the best `want` documents of request.kind matching `query` (a tsquery) and every
  // pattern of `runs` (an array literal), visible to the viewer, best first. `index_query`
  // (called only when the GIN index is needed; empty for `query` itself) gives a tsquery that
  // `query` implies, cheaper for the GIN index to answer. Walks the `window_rows` best-ranked
  // documents first (none: straight to the GIN index).
  std::vector<std::string> RankedIds(const SearchRequest& request, const std::string& query,
                                     const std::function<std::string()>& index_query,
                                     const std::string& runs, int want, int window_rows);
  // The word statistics of a kind's documents, as the transaction first found them.
  const WordStatistics& StatisticsOf(SearchKind kind);

  Connection& conn_;
  SearchStatistics& shared_statistics_;
  std::shared_ptr<const SearchStatistics::Tables> statistics_;
  // This transaction's lookups of search_words (a repeatable-read snapshot: they cannot change).
  std::map<std::string, std::vector<std::string>, std::less<>> typo_variants_;
  std::map<std::string, std::string, std::less<>> prefix_words_;
};

}  // namespace cadenza::pg
