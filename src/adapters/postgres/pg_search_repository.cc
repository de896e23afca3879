#include "adapters/postgres/pg_search_repository.h"

#include "domain/error.h"

namespace cadenza::pg {

std::vector<SearchHit> PgSearchRepository::Search(const SearchRequest& /*request*/) {
  (void)conn_;
  throw Error(ErrorCode::kUnavailable, "search is not available on PostgreSQL yet");
}

}  // namespace cadenza::pg
