#pragma once
// PostgreSQL failures become cadenza::Error here and nowhere else.
#include <string>
#include <string_view>

namespace cadenza::pg {

struct ServerError {
  std::string sqlstate;    // five characters; empty when the connection itself failed
  std::string message;     // the server's primary message
  std::string table;       // PG_DIAG_TABLE_NAME, when the error names one
  std::string constraint;  // PG_DIAG_CONSTRAINT_NAME, when the error names one
};

// True for errors after which the connection cannot be trusted: SQLSTATE class 08 (connection
// exception), 57P01..57P03 (the server shut down), or no SQLSTATE at all (the send failed).
bool IsConnectionLost(std::string_view sqlstate);

// Throws the Error `error` stands for:
//   23505 unique violation       -> kConflict "a user with this email already exists"
//   23503 foreign key violation  -> kConflict "an album refers to a missing artist"
//   other class 23 (CHECK, NOT NULL) and everything unexpected -> kInternal
//   25006 read-only transaction  -> kInternal: a write inside Catalog::Read is a bug
//   class 08, 53, 57, 58, no SQLSTATE -> kUnavailable (connection lost, resources, timeout)
//   22001, 54000                  -> kTooLarge
// 40001 and 40P01 never reach it: the connection throws RetryTransaction for them.
[[noreturn]] void ThrowServerError(const ServerError& error);

}  // namespace cadenza::pg
