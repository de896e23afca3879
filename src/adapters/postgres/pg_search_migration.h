#pragma once
// The search index of the catalogue on PostgreSQL (migration 8): folded documents per kind,
// trigram indexes over them, a vocabulary of indexed words for typos, and the triggers that keep
// them in step with the rows in the same transaction. Needs the unaccent and pg_trgm extensions
// (created when missing, which takes a role allowed to create them).
#include <string_view>

namespace cadenza::pg {

std::string_view SearchMigrationSql();

}  // namespace cadenza::pg
