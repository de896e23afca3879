#pragma once
// The catalog schema as an ordered list of versioned scripts compiled into the binary.
// A released migration is never edited: changes go into a new version.
#include <span>
#include <string_view>

namespace cadenza::sqlite {

struct Migration {
  int version;            // 1, 2, 3 ... strictly increasing
  std::string_view name;  // what it does, for logs and errors
  std::string_view sql;   // one or more statements, run in one transaction
};

std::span<const Migration> AllMigrations();

}  // namespace cadenza::sqlite
