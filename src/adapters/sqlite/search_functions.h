#pragma once
// SQL functions the catalogue schema relies on, registered on every connection before use.
#include <sqlite3.h>

namespace cadenza::sqlite {

// cadenza_fold(text): domain/search_text.h's FoldForSearch, deterministic and innocuous so that
// triggers may call it; NULL for NULL. cadenza_words_json(doc): the space-separated words of
// a folded document as a JSON array of strings (for json_each in triggers, which cannot hold
// a recursive query). cadenza_search_rank(plays, created): domain/search_rank.h's
// SearchRankBase, the first index key of a document. Throws Error(kUnavailable) when
// registration fails.
void RegisterSearchFunctions(sqlite3* db);

}  // namespace cadenza::sqlite
