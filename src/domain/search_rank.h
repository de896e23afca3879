#pragma once
// Where a search document sorts in its index, so that an engine that walks its matches in key
// order (FTS5 walks rowids) meets the most popular first and can stop after a page instead of
// ranking every match. Ranking is by plays (more first), then by creation (newer first), then
// by id; a key orders plays by level and creation by the second, so a walk that stops in the
// middle of a key group reads the rest of the group (SearchRankGroupEnd) and ranks what it
// read exactly.
#include <cstdint>

#include "domain/time.h"

namespace cadenza {

// Documents whose plays and creation second give the same base take the keys base,
// base + 1, ... base + kSearchRankSlots - 1 (one per document, in the order they came).
inline constexpr std::int64_t kSearchRankSlots = std::int64_t{1} << 20;

// Plays to a level: exact below 16, then eight levels per doubling (each about 9% wide).
// Monotonic: more plays never give a lower level.
int SearchPlaysLevel(std::int64_t plays);

// The first key of the documents with these plays and this creation time: lower keys for more
// plays, then for later creation (seconds from 1970 to 2106; outside, clamped).
std::int64_t SearchRankBase(std::int64_t plays, Timestamp created);

// The last key that may rank before the document at `key` once plays, creation and id are
// compared exactly: the end of its slot group when its level holds one play count, else the
// end of its level.
std::int64_t SearchRankGroupEnd(std::int64_t key);

}  // namespace cadenza
