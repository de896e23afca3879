#pragma once
// SearchRepository over the PostgreSQL search index of migration 8 (pg_search_migration.cc).
#include "adapters/postgres/pg_connection.h"
#include "ports/search.h"

namespace cadenza::pg {

class PgSearchRepository final : public SearchRepository {
 public:
  explicit PgSearchRepository(Connection& conn) : conn_(conn) {}
  std::vector<SearchHit> Search(const SearchRequest& request) override;

 private:
  Connection& conn_;
};

}  // namespace cadenza::pg
