#pragma once
// Migration 11: the search index of migration 8 rebuilt with documents keyed by rank
// (domain/search_rank.h), so that FTS5, which returns matches in key order, meets the most
// played first; albums and artists keep their tracks' plays added up. The triggers call
// cadenza_fold(), cadenza_words_json() and cadenza_search_rank() (search_functions.h).
#include <string_view>

namespace cadenza::sqlite {

std::string_view SearchRankMigrationSql();

}  // namespace cadenza::sqlite
