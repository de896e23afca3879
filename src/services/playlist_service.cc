#include "services/playlist_service.h"

#include <algorithm>
#include <utility>

#include "domain/error.h"
#include "domain/permissions.h"
#include "services/events/catalog_events.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

std::optional<std::string> CheckDescription(const std::optional<std::string>& description) {
  if (!description) return std::nullopt;
  std::string checked = CheckText(*description, "description", kDescriptionLimits);
  if (checked.empty()) return std::nullopt;
  return checked;
}

Resource AsResource(const Playlist& playlist) {
  return Resource{playlist.owner_user_id, playlist.is_public};
}

// A playlist the caller may read; someone else's private one is indistinguishable from none.
Playlist LoadReadable(CatalogTransaction& tx, const Principal& who, std::string_view id) {
  std::optional<Playlist> playlist = tx.playlists().FindById(id);
  if (playlist) {
    Resource resource = AsResource(*playlist);
    if (IsAllowed(who, Action::kReadPlaylist, &resource)) return std::move(*playlist);
  }
  throw NotFound("playlist not found");
}

Playlist LoadModifiable(CatalogTransaction& tx, const Principal& who, std::string_view id) {
  Playlist playlist = LoadReadable(tx, who, id);
  Resource resource = AsResource(playlist);
  Authorize(who, Action::kModifyPlaylist, &resource);
  return playlist;
}

PlaylistWithEntries Expand(CatalogTransaction& tx, Playlist playlist) {
  PlaylistWithEntries out;
  std::vector<PlaylistEntry> entries = tx.playlists().ListEntries(playlist.id);
  out.entries.reserve(entries.size());
  for (const PlaylistEntry& entry : entries) {
    // Entries of a deleted track go with it (cascade); skipping guards against a reader
    // racing that delete on an engine without snapshot reads.
    std::optional<Track> track = tx.tracks().FindById(entry.track_id);
    if (!track) continue;
    PlaylistItem item;
    item.position = static_cast<int>(out.entries.size());
    item.added_at = entry.added_at;
    item.track = std::move(*track);
    out.entries.push_back(std::move(item));
  }
  out.playlist = std::move(playlist);
  return out;
}

std::string Count(std::size_t n) { return std::to_string(n); }

}  // namespace

PlaylistService::PlaylistService(Catalog& catalog, const IdGenerator& ids, const Clock& clock)
    : catalog_(catalog), ids_(ids), clock_(clock) {}

Playlist PlaylistService::Create(const Principal& who, const PlaylistDraft& draft) {
  Authorize(who, Action::kCreatePlaylist);
  Playlist playlist;
  playlist.name = CheckText(draft.name, "name", kNameLimits);
  playlist.description = CheckDescription(draft.description);
  playlist.is_public = draft.is_public;
  playlist.id = ids_.Next();
  playlist.owner_user_id = who.user_id;
  playlist.created_at = playlist.updated_at = clock_.Now();
  catalog_.Write([&](CatalogTransaction& tx) {
    tx.playlists().Insert(playlist);
    AppendCatalogEvent(tx, ids_, kPlaylistCreated, who.user_id, playlist.id, playlist.created_at);
  });
  return playlist;
}

PlaylistWithEntries PlaylistService::Get(const Principal& who, std::string_view id) {
  return catalog_.ReadValue(
      [&](CatalogTransaction& tx) { return Expand(tx, LoadReadable(tx, who, id)); });
}

Page<Playlist> PlaylistService::List(const Principal& who, bool mine_only,
                                     const PageRequest& page) {
  // Listing shows only what each item's kReadPlaylist allows: own and public ones.
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    return tx.playlists().ListVisibleTo(who.user_id, !mine_only, page);
  });
}

Playlist PlaylistService::Update(const Principal& who, std::string_view id,
                                 const PlaylistPatch& patch) {
  std::optional<std::string> name;
  if (patch.name) name = CheckText(*patch.name, "name", kNameLimits);
  std::optional<std::string> description = CheckDescription(patch.description);
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Playlist playlist = LoadModifiable(tx, who, id);
    if (name) playlist.name = *name;
    if (patch.description) playlist.description = description;
    if (patch.is_public) playlist.is_public = *patch.is_public;
    playlist.updated_at = clock_.Now();
    tx.playlists().Update(playlist);
    AppendCatalogEvent(tx, ids_, kPlaylistChanged, who.user_id, playlist.id, playlist.updated_at,
                       "details");
    return playlist;
  });
}

void PlaylistService::Delete(const Principal& who, std::string_view id) {
  catalog_.Write([&](CatalogTransaction& tx) {
    LoadModifiable(tx, who, id);
    tx.playlists().Delete(id);
    AppendCatalogEvent(tx, ids_, kPlaylistDeleted, who.user_id, id, clock_.Now());
  });
}

PlaylistWithEntries PlaylistService::AddTracks(const Principal& who, std::string_view id,
                                               const std::vector<std::string>& track_ids,
                                               std::optional<int> position) {
  if (track_ids.empty()) throw InvalidArgument("trackIds", "trackIds must name at least one track");
  if (track_ids.size() > kMaxEntries) {
    throw InvalidArgument("trackIds",
                          "trackIds may name at most " + Count(kMaxEntries) + " tracks");
  }
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Playlist playlist = LoadModifiable(tx, who, id);
    std::vector<PlaylistEntry> entries = tx.playlists().ListEntries(playlist.id);
    std::size_t at = position ? static_cast<std::size_t>(std::max(*position, 0)) : entries.size();
    if (position && (*position < 0 || at > entries.size())) {
      throw InvalidArgument("position", "position must be between 0 and " + Count(entries.size()));
    }
    if (entries.size() + track_ids.size() > kMaxEntries) {
      throw Conflict("a playlist holds at most " + Count(kMaxEntries) + " entries; this one has " +
                     Count(entries.size()));
    }
    Timestamp now = clock_.Now();
    std::vector<PlaylistEntry> added;
    added.reserve(track_ids.size());
    for (const std::string& track_id : track_ids) {
      if (!tx.tracks().FindById(track_id)) {
        throw Error(ErrorCode::kUnprocessable, "track " + track_id + " not found", "trackIds");
      }
      added.push_back(PlaylistEntry{0, track_id, now});
    }
    entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(at), added.begin(), added.end());
    tx.playlists().ReplaceEntries(playlist.id, entries);
    playlist.updated_at = now;
    tx.playlists().Update(playlist);
    AppendCatalogEvent(tx, ids_, kPlaylistChanged, who.user_id, playlist.id, now, "tracks_added");
    return Expand(tx, std::move(playlist));
  });
}

PlaylistWithEntries PlaylistService::RemoveEntry(const Principal& who, std::string_view id,
                                                 int position) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Playlist playlist = LoadModifiable(tx, who, id);
    std::vector<PlaylistEntry> entries = tx.playlists().ListEntries(playlist.id);
    if (position < 0 || static_cast<std::size_t>(position) >= entries.size()) {
      throw NotFound("playlist has no entry at position " + std::to_string(position) + " (it has " +
                     Count(entries.size()) + " entries)");
    }
    entries.erase(entries.begin() + position);
    tx.playlists().ReplaceEntries(playlist.id, entries);
    playlist.updated_at = clock_.Now();
    tx.playlists().Update(playlist);
    AppendCatalogEvent(tx, ids_, kPlaylistChanged, who.user_id, playlist.id, playlist.updated_at,
                       "entry_removed");
    return Expand(tx, std::move(playlist));
  });
}

PlaylistWithEntries PlaylistService::MoveEntry(const Principal& who, std::string_view id, int from,
                                               int to) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Playlist playlist = LoadModifiable(tx, who, id);
    std::vector<PlaylistEntry> entries = tx.playlists().ListEntries(playlist.id);
    auto check = [&](int value, const char* field) {
      if (value < 0 || static_cast<std::size_t>(value) >= entries.size()) {
        std::string name(field);
        throw InvalidArgument(
            name, entries.empty() ? "the playlist is empty: there is nothing to move"
                                  : name + " must be between 0 and " + Count(entries.size() - 1));
      }
    };
    check(from, "from");
    check(to, "to");
    if (from != to) {
      auto first = entries.begin();
      if (from < to) {
        std::rotate(first + from, first + from + 1, first + to + 1);
      } else {
        std::rotate(first + to, first + from, first + from + 1);
      }
      tx.playlists().ReplaceEntries(playlist.id, entries);
      playlist.updated_at = clock_.Now();
      tx.playlists().Update(playlist);
      AppendCatalogEvent(tx, ids_, kPlaylistChanged, who.user_id, playlist.id,
                         playlist.updated_at, "entry_moved");
    }
    return Expand(tx, std::move(playlist));
  });
}

}  // namespace cadenza
