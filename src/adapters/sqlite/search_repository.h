#pragma once
// SearchRepository over the FTS5 indexes of migration 8 (search_migration.h).
//
// Query: every term typed must match. A word matches as a whole word, the last one also as a
// prefix; a run of a script without spaces matches as a phrase of characters (a substring).
// A word of kMinTypoWordChars or more also matches the indexed words one edit away that start
// with the same letter (found in search_words, the vocabulary of every index; a typo in the
// first letter is not forgiven, which keeps the candidates to one slice of the vocabulary). The user's text only
// ever reaches FTS5 as folded tokens inside double quotes, so no query syntax gets through.
//
// Ranking: hits that match without typo variants first, then more plays, newer, id. When the
// whole query is one or two characters, only the first kShortQueryCandidates index matches
// are ranked (a bound on the work; they are not the best of the whole catalogue).
#include "adapters/sqlite/connection.h"
#include "ports/search.h"

namespace cadenza::sqlite {

class SqliteSearchRepository final : public SearchRepository {
 public:
  static constexpr int kShortQueryCandidates = 1000;

  explicit SqliteSearchRepository(Connection& conn) : conn_(conn) {}
  std::vector<SearchHit> Search(const SearchRequest& request) override;

 private:
  // Indexed words (of any kind) one edit from `word` with its first letter (itself
  // excluded), at most a few.
  std::vector<std::string> TypoVariants(const std::string& word);

  Connection& conn_;
};

}  // namespace cadenza::sqlite
