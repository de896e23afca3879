#pragma once
// Keyset pagination on PostgreSQL, as adapters/sqlite/paging.h does it on SQLite:
//   ... WHERE id > $after ORDER BY id LIMIT $limit_plus_one          (oldest first)
//   ... WHERE id < $after ORDER BY id DESC LIMIT $limit_plus_one     (newest first)
// ids are COLLATE "C", so the order is the byte order of their text.
#include <string>

#include "adapters/postgres/pg_connection.h"
#include "domain/error.h"
#include "domain/pagination.h"

namespace cadenza::pg {

// The tail of a paged query with the cursor at $after_index and the limit at $after_index + 1.
inline std::string KeysetTail(const PageRequest& page, int after_index) {
  std::string after = "$" + std::to_string(after_index);
  std::string limit = " LIMIT $" + std::to_string(after_index + 1);
  return page.newest_first ? "id < " + after + " ORDER BY id DESC" + limit
                           : "id > " + after + " ORDER BY id" + limit;
}

// Adds the exclusive bound and limit + 1 to `params`. Without a cursor the bound lies outside
// every id: "" below them, "~" above them. Error(kInvalidArgument, "limit") below 1.
inline Params& AddPage(Params& params, const PageRequest& page) {
  if (page.limit < 1) throw InvalidArgument("limit", "limit must be at least 1");
  params.Text(page.after_id.value_or(page.newest_first ? "~" : ""));
  return params.Int(static_cast<std::int64_t>(page.limit) + 1);
}

// Up to `limit` rows read by `read_row`; next_after_id is the last id when one more came back.
template <class T, class ReadRow>
Page<T> CollectPage(const Result& result, int limit, ReadRow read_row) {
  Page<T> page;
  for (int row = 0; row < result.Rows(); ++row) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_after_id = page.items.back().id;
      break;
    }
    page.items.push_back(read_row(result, row));
  }
  return page;
}

}  // namespace cadenza::pg
