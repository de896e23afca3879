#pragma once
#include <string>
#include <string_view>

#include "domain/time.h"

namespace cadenza {

// A new id: RFC 9562 UUIDv7 text ("0190b6e2-...") from the time and 74 random bits given.
// Time-ordered (index-friendly, keyset pagination follows creation order) and unique across
// nodes without coordination. `random` must hold at least 10 bytes.
std::string MakeUuidV7(Timestamp now, std::string_view random);

// True for the canonical lower-case 36-character form that MakeUuidV7 produces.
bool IsUuid(std::string_view text);

}  // namespace cadenza
