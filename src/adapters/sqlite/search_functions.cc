#include "adapters/sqlite/search_functions.h"

#include <new>
#include <string>
#include <string_view>

#include "adapters/sqlite/sqlite_error.h"
#include "domain/search_rank.h"
#include "domain/search_text.h"

namespace cadenza::sqlite {
namespace {

void Fold(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  int bytes = sqlite3_value_bytes(argv[0]);
  try {
    std::string folded = FoldForSearch(std::string_view(text == nullptr ? "" : text,
                                                        static_cast<std::size_t>(bytes)));
    sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()),
                        SQLITE_TRANSIENT);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(context);
  }
}

// A JSON array of the space-separated words of a folded document, for json_each().
void WordsJson(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view doc(text == nullptr ? "" : text,
                       static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  try {
    std::string json = "[";
    bool open = false;  // inside a word's string
    for (char c : doc) {
      if (c == ' ') {
        if (open) json += '"';
        open = false;
        continue;
      }
      if (!open) json += json.size() > 1 ? ",\"" : "\"";
      open = true;
      if (c == '"' || c == '\\') json += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        json += "\\u00";
        json += "0123456789abcdef"[(c >> 4) & 0xF];
        json += "0123456789abcdef"[c & 0xF];
      } else {
        json += c;
      }
    }
    json += open ? "\"]" : "]";
    sqlite3_result_text(context, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(context);
  }
}

// cadenza_search_rank(plays, created): the first index key of a document (SearchRankBase).
void RankBase(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  sqlite3_result_int64(context, SearchRankBase(sqlite3_value_int64(argv[0]),
                                               sqlite3_value_int64(argv[1])));
}

}  // namespace

void RegisterSearchFunctions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "cadenza_fold", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, Fold, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqliteCode(rc, "cannot register cadenza_fold");
  rc = sqlite3_create_function_v2(db, "cadenza_words_json", 1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                  WordsJson, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqliteCode(rc, "cannot register cadenza_words_json");
  rc = sqlite3_create_function_v2(db, "cadenza_search_rank", 2,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                  RankBase, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqliteCode(rc, "cannot register cadenza_search_rank");
}

}  // namespace cadenza::sqlite
