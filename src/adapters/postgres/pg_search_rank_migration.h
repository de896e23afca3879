#pragma once
// Ranking columns for the search index on PostgreSQL (migration 11): every kind's documents
// carry what ranking needs (plays, created) and a btree in rank order that covers their words,
// so that a query can walk the best-ranked documents without reading the table. Album and
// artist plays are their tracks' play counts added up, kept by triggers that apply deltas (a
// play is one small update per row, not a recount).
#include <string_view>

namespace cadenza::pg {

// Documents longer than this many bytes leave rank_words NULL: a btree entry holds at most
// 2704 bytes, and such a document's words could exceed it (600 distinct CJK characters do).
inline constexpr int kMaxRankedDocBytes = 1000;

std::string_view SearchRankMigrationSql();

}  // namespace cadenza::pg
