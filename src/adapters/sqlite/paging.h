#pragma once
// Keyset pagination shared by the repositories: the SQL reads
//   ... WHERE id > ?after ORDER BY id LIMIT ?limit_plus_one          (oldest first)
//   ... WHERE id < ?after ORDER BY id DESC LIMIT ?limit_plus_one     (newest first)
// and the extra row, when it comes back, only signals that another page exists.
#include <string>
#include <string_view>

#include "adapters/sqlite/statement.h"
#include "domain/error.h"
#include "domain/pagination.h"

namespace cadenza::sqlite {

// "id > ?N ORDER BY id" or "id < ?N ORDER BY id DESC": the tail of a paged query, after its
// other WHERE terms, with the cursor bound at parameter `after_index`.
inline std::string KeysetTail(const PageRequest& page, int after_index, int limit_index) {
  std::string after = "?" + std::to_string(after_index);
  std::string limit = " LIMIT ?" + std::to_string(limit_index);
  return page.newest_first ? "id < " + after + " ORDER BY id DESC" + limit
                           : "id > " + after + " ORDER BY id" + limit;
}

// Binds the exclusive bound and limit + 1. Without a cursor the bound lies outside every id:
// "" below them, "~" above them (ids are lowercase hex and dashes, all below '~').
// Throws Error(kInvalidArgument, field "limit") when the limit is below 1.
inline void BindPage(Statement& statement, int after_index, int limit_index,
                     const PageRequest& page) {
  if (page.limit < 1) throw InvalidArgument("limit", "limit must be at least 1");
  std::string_view unbounded = page.newest_first ? "~" : "";
  statement.BindText(after_index, page.after_id.value_or(std::string(unbounded)));
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
