#pragma once
// The names of the search kinds, as the API's `types`, its cursors and the adapters' index
// tables spell them: one mapping for all of them.
#include <string_view>

#include "ports/search.h"

namespace cadenza {

// "track", "album", "artist", "playlist".
constexpr std::string_view SearchKindName(SearchKind kind) {
  switch (kind) {
    case SearchKind::kTrack: return "track";
    case SearchKind::kAlbum: return "album";
    case SearchKind::kArtist: return "artist";
    case SearchKind::kPlaylist: return "playlist";
  }
  return "track";
}

}  // namespace cadenza
