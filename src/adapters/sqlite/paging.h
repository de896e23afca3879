#pragma once
// Keyset pagination shared by the repositories: the SQL reads
//   ... WHERE id > ?after ORDER BY id LIMIT ?limit_plus_one
// and the extra row, when it comes back, only signals that another page exists.
#include <string>

#include "adapters/sqlite/statement.h"
#include "domain/error.h"
#include "domain/pagination.h"

namespace cadenza::sqlite {

// Binds the exclusive lower bound ("" when absent: ids are never empty) and limit + 1.
// Throws Error(kInvalidArgument, field "limit") when the limit is below 1.
inline void BindPage(Statement& statement, int after_index, int limit_index,
                     const PageRequest& page) {
  if (page.limit < 1) throw InvalidArgument("limit", "limit must be at least 1");
  statement.BindText(after_index, page.after_id.value_or(std::string()));
  statement.BindInt(limit_index, static_cast<std::int64_t>(page.limit) + 1);
}

// Collects up to `limit` rows read by `read_row`; next_after_id is the last returned id when
// the statement had one more row.
template <class T, class ReadRow>
Page<T> CollectPage(Statement& statement, int limit, ReadRow read_row) {
  Page<T> page;
  while (statement.Step()) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_after_id = page.items.back().id;
      break;
    }
    page.items.push_back(read_row(statement));
  }
  return page;
}

}  // namespace cadenza::sqlite
