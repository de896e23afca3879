#pragma once
// How common each indexed word is, per kind of search document, from PostgreSQL's own
// statistics (pg_stats.most_common_elems of <kind>_search.words, which ANALYZE and autovacuum
// keep; about a thousand words per table with the fraction of documents holding each, and the
// smallest fraction listed bounds every word left out). The search plans ask it how many
// documents a query is likely to match, to pick between walking the rank index and asking the
// GIN index (pg_search_repository.h). Estimates only choose a plan: every plan returns the
// same hits.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/postgres/pg_connection.h"

namespace cadenza::pg {

// One table's word statistics; empty (known() false) before its first ANALYZE.
class WordStatistics {
 public:
  WordStatistics() = default;
  WordStatistics(double rows, double rarest, std::map<std::string, double, std::less<>> words)
      : rows_(rows), rarest_(rarest), words_(std::move(words)) {}

  bool known() const { return rows_ > 0 && rarest_ > 0; }
  double rows() const { return rows_; }
  // Fraction of the documents holding `word`: listed, or half the rarest listed fraction.
  double Word(std::string_view word) const;
  // Fraction holding a word that begins with `prefix`: the listed ones added up (at most 1),
  // plus half the rarest fraction for the words left out.
  double Prefix(std::string_view prefix) const;

 private:
  double rows_ = 0;
  double rarest_ = 0;
  std::map<std::string, double, std::less<>> words_;
};

// One search pass, estimated as fractions of a table's documents.
struct PassEstimate {
  double matches = 0;         // documents the pass's query matches
  double index_postings = 0;  // entries of the GIN posting lists its index query reads
  double index_matches = 0;   // documents its index query matches (rows the GIN plan fetches)
  // Whether `matches` multiplies the shares of several words, which need not be independent.
  bool combined = false;
};

// How many of the best-ranked documents the pass walks in the rank index before it asks the
// GIN index, by comparing both plans' estimated cost: 0 to ask the GIN index at once, and
// `unknown` without statistics.
int WindowRows(const WordStatistics& stats, const PassEstimate& pass, int want, int unknown);

// Every kind's WordStatistics, read again at most once per kRefresh and shared by every
// connection; thread-safe.
class SearchStatistics {
 public:
  static constexpr std::chrono::seconds kRefresh{60};
  using Tables = std::map<std::string, WordStatistics, std::less<>>;  // by table name

  // The statistics as last read, read now on `conn` when older than kRefresh (a failure to
  // read keeps the old ones: estimates are never worth failing a search for).
  std::shared_ptr<const Tables> Current(Connection& conn);

 private:
  std::mutex mutex_;
  std::shared_ptr<const Tables> tables_ = std::make_shared<const Tables>();
  std::chrono::steady_clock::time_point read_at_{};
  bool reading_ = false;
};

}  // namespace cadenza::pg
