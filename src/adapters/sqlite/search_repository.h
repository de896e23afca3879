#pragma once
// SearchRepository over the FTS5 indexes of migrations 8 and 11 (search_rank_migration.h).
//
// Query: every term typed must match. A word matches as a whole word, the last one also as a
// prefix; a run of a script without spaces matches as a phrase of characters (a substring).
// A word of kMinTypoWordChars or more also matches the indexed words one edit away that start
// with the same letter (found in search_words, the vocabulary of every index; a typo in the
// first letter is not forgiven, which keeps the candidates to one slice of the vocabulary). The user's text only
// ever reaches FTS5 as folded tokens inside double quotes, so no query syntax gets through.
//
// Ranking: hits that match without typo variants first, then more plays, newer, id. The
// documents are keyed by rank (migration 11, domain/search_rank.h) and FTS5 returns matches in
// key order, so a search walks only as many matches as the page needs (offset + limit, plus
// the rest of the last one's key group, which the final query ranks exactly), whatever the
// number of matches in the catalogue. Typo variants are looked up, and a second walk made,
// only when the exact matches do not fill the page.
#include "adapters/sqlite/connection.h"
#include "ports/search.h"

namespace cadenza::sqlite {

class SqliteSearchRepository final : public SearchRepository {
 public:
  explicit SqliteSearchRepository(Connection& conn) : conn_(conn) {}
  std::vector<SearchHit> Search(const SearchRequest& request) override;

 private:
  // Indexed words (of any kind) one edit from `word` with its first letter (itself
  // excluded), at most a few.
  std::vector<std::string> TypoVariants(const std::string& word);
  // An FTS5 expression for `word` as a prefix: the prefix itself while a prefix index covers
  // it, else its completions from search_words when they are few.
  std::string PrefixMatch(const std::string& word);
  // Index keys of request.kind matching `match`, in key order: the first `want` not in `skip`,
  // then the rest of the last one's key group (SearchRankGroupEnd).
  std::vector<std::int64_t> Walk(const SearchRequest& request, const std::string& match,
                                 std::size_t want, const std::vector<std::int64_t>& skip);

  Connection& conn_;
};

}  // namespace cadenza::sqlite
