#include "adapters/postgres/pg_search_statistics.h"

#include <algorithm>
#include <utility>

namespace cadenza::pg {
namespace {

// Per table: one row without a word (its row estimate and the rarest listed fraction, the
// element after the listed ones), then a row per listed word. Tables found on the search path,
// so a schema of their own (as the tests use) is read too.
constexpr char kSql[] = R"sql(
WITH t AS (
  SELECT c.relname AS name, c.reltuples AS rows, s.most_common_elems::text::text[] AS words,
         s.most_common_elem_freqs AS freqs
  FROM unnest(ARRAY['track_search', 'album_search', 'artist_search', 'playlist_search']) AS k(name)
  JOIN pg_class c ON c.oid = to_regclass(k.name)
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = 'words')
SELECT name, rows, NULL, freqs[cardinality(words) + 1] FROM t
UNION ALL
SELECT name, rows, e.word, e.freq FROM t, unnest(words, freqs[1:cardinality(words)]) AS e(word, freq)
)sql";

SearchStatistics::Tables Read(Connection& conn) {
  Result rows = conn.Exec(kSql);
  std::map<std::string, std::pair<double, double>, std::less<>> summary;  // rows, rarest
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> words;
  for (int row = 0; row < rows.Rows(); ++row) {
    std::string table = rows.Text(row, 0);
    if (rows.IsNull(row, 2)) {
      summary[table] = {rows.Double(row, 1), rows.Double(row, 3)};
    } else {
      words[table][rows.Text(row, 2)] = rows.Double(row, 3);
    }
  }
  SearchStatistics::Tables tables;
  for (auto& [table, totals] : summary) {
    tables.emplace(table, WordStatistics(totals.first, totals.second, std::move(words[table])));
  }
  return tables;
}

// The relative costs of the plans' steps, from EXPLAIN ANALYZE of each on a million tracks:
// a row of the rank index with its words checked; an entry of a GIN posting list; a row the
// GIN plan fetches, checks again and sorts.
constexpr double kWindowRowCost = 1.1;
constexpr double kPostingCost = 0.05;
constexpr double kIndexMatchCost = 4;
constexpr double kMinWindowRows = 1000;
constexpr double kMaxWindowRows = 40000;

}  // namespace

int WindowRows(const WordStatistics& stats, const PassEstimate& pass, int want, int unknown) {
  if (!stats.known()) return unknown;
  if (pass.matches <= 0) return 0;
  const double rows = stats.rows();
  const double needed = std::min(want / pass.matches, rows);
  const double gin = (kPostingCost * pass.index_postings + kIndexMatchCost * pass.index_matches) *
                     rows;
  // Combined words are as often met together less than more: the window must win by a margin.
  if (kWindowRowCost * needed * (pass.combined ? 2 : 1) > gin) return 0;
  // Words met together less often than their shares predict leave the window short: it reads
  // no more rows than the GIN plan costs, so a wrong guess at most doubles the work.
  return static_cast<int>(std::clamp(gin / kWindowRowCost, kMinWindowRows, kMaxWindowRows));
}

double WordStatistics::Word(std::string_view word) const {
  auto listed = words_.find(word);
  return listed != words_.end() ? listed->second : rarest_ / 2;
}

double WordStatistics::Prefix(std::string_view prefix) const {
  double sum = rarest_ / 2;
  for (auto it = words_.lower_bound(prefix);
       it != words_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    sum += it->second;
  }
  return std::min(sum, 1.0);
}

std::shared_ptr<const SearchStatistics::Tables> SearchStatistics::Current(Connection& conn) {
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    // One reader at a time; the others go on with what is there.
    if (reading_ || (read_at_ != std::chrono::steady_clock::time_point{} &&
                     now - read_at_ < kRefresh)) {
      return tables_;
    }
    reading_ = true;
    read_at_ = now;
  }
  std::shared_ptr<const Tables> fresh;
  try {
    // Inside the caller's transaction: a savepoint keeps a failure from aborting it.
    conn.Script("SAVEPOINT search_statistics");
    fresh = std::make_shared<const Tables>(Read(conn));
    conn.Script("RELEASE SAVEPOINT search_statistics");
  } catch (const std::exception&) {
    try {
      conn.Script("ROLLBACK TO SAVEPOINT search_statistics");
    } catch (const std::exception&) {
      // The connection itself failed: the transaction's next statement reports it.
    }
  }
  std::lock_guard lock(mutex_);
  reading_ = false;
  if (fresh) tables_ = std::move(fresh);
  return tables_;
}

}  // namespace cadenza::pg
