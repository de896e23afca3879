#pragma once
// The search index of the catalogue on PostgreSQL (migration 8): folded documents per kind,
// GIN indexes over their words, a vocabulary of indexed words for typos, and the triggers that
// keep them in step with the rows in the same transaction. Needs the unaccent extension
// (created when missing, which takes a role allowed to create it).
#include <string_view>

namespace cadenza::pg {

std::string_view SearchMigrationSql();

}  // namespace cadenza::pg
