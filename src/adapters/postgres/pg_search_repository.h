#pragma once
// SearchRepository over the PostgreSQL search index of migration 8 (pg_search_migration.h).
//
// Query: the text is folded by domain/search_text.h into terms and built into a tsquery over
// each document's words (its folded words as they are, no parser or dictionary): 'word' for a
// whole word, 'word':* for the last term (a prefix), and for a run of a script without spaces
// all its characters, with a LIKE '% 東 京 %' on the document for their order (a substring).
// A word of kMinTypoWordChars or more also matches the indexed words one edit away that start
// with the same letter ('word' | 'variant'; candidates from search_words by length and first
// letter, as on SQLite, checked with WithinOneEdit). Terms hold only folded letters and digits
// and reach the server as bound parameters, so nothing the user types is query syntax.
//
// Ranking: hits that match without typo variants first, then more plays, newer, id. When the
// whole query is one or two characters, only the first kShortQueryCandidates matches are ranked.
#include "adapters/postgres/pg_connection.h"
#include "ports/search.h"

namespace cadenza::pg {

class PgSearchRepository final : public SearchRepository {
 public:
  static constexpr int kShortQueryCandidates = 1000;

  explicit PgSearchRepository(Connection& conn) : conn_(conn) {}
  std::vector<SearchHit> Search(const SearchRequest& request) override;

 private:
  // Indexed words one edit from `word` (itself excluded), at most a few.
  std::vector<std::string> TypoVariants(const std::string& word);

  Connection& conn_;
};

}  // namespace cadenza::pg
