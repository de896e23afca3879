#pragma once
#include <optional>
#include <string>
#include <vector>

namespace cadenza {

// Keyset pagination over ids (which sort in creation order). The API turns `after_id` into
// an opaque cursor; repositories see only the id.
struct PageRequest {
  int limit = 50;                       // 1..200, validated by the API layer
  std::optional<std::string> after_id;  // the last id of the previous page (exclusive bound)
  // Ids are UUIDv7, so id order is creation order: newest_first lists the latest additions
  // first (a home page's "new releases") and after_id then bounds from above.
  bool newest_first = false;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_after_id;  // set when more items may follow
};

}  // namespace cadenza
