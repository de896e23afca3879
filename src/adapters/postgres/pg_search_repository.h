#pragma once
// SearchRepository over the PostgreSQL search index of migration 8 (pg_search_migration.h).
//
// Query: the text is folded by domain/search_text.h into terms; each term becomes a regular
// expression over the document padded with spaces: ' word ' (a whole word), ' word' for the
// last term (a prefix), ' 東 京 ' for a run of a script without spaces (a substring). A word of
// kMinTypoWordChars or more also matches the indexed words one edit away (candidates from the
// trigram index on search_words, checked with WithinOneEdit). Terms hold only folded letters
// and digits, so nothing the user types is regex or SQL syntax; all of it is bound as
// parameters. The longest term's expression drives the trigram index; all are rechecked.
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
