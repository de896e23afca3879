#pragma once
// Ranking columns for the search index on PostgreSQL (migration 11): every kind's documents
// carry what ranking needs (plays, created) and a btree in rank order that covers their words,
// so that a query can walk the best-ranked documents without reading the table; their words
// also hold each pair of neighbouring characters of a script without spaces. Album and
// artist plays are their tracks' play counts added up, kept by triggers that apply deltas (a
// play is one small update per row, not a recount).
#include <string_view>

namespace cadenza::pg {

// Documents longer than this many bytes leave rank_words NULL: a btree entry holds at most
// 2704 bytes, and a longer document's words could exceed it (600 distinct CJK characters and
// their pairs do; 125, the most 500 bytes hold, take about 2200).
inline constexpr int kMaxRankedDocBytes = 500;

std::string_view SearchRankMigrationSql();

}  // namespace cadenza::pg
