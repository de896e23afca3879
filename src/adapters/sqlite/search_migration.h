#pragma once
// The search index of the catalogue (migration 8): folded documents per kind, FTS5 indexes
// over them, the vocabulary search_words for typos, and the triggers that keep both in step with the rows. The triggers call
// cadenza_fold(), which every connection registers (search_functions.h).
#include <string_view>

namespace cadenza::sqlite {

std::string_view SearchMigrationSql();

}  // namespace cadenza::sqlite
