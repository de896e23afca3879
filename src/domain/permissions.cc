#include "domain/permissions.h"

#include <string>

#include "domain/error.h"

namespace cadenza {

namespace {

bool Owns(const Principal& who, const Resource* resource) {
  return resource != nullptr && resource->owner_user_id == who.user_id;
}

std::string_view Describe(Action action) {
  switch (action) {
    case Action::kReadCatalog: return "read the catalogue";
    case Action::kStream: return "stream this track";
    case Action::kCreateCatalog: return "create catalogue entries (artist accounts only)";
    case Action::kModifyCatalog: return "change this entry (only its owner may)";
    case Action::kUpload: return "upload audio (artist accounts only)";
    case Action::kCreatePlaylist: return "create playlists";
    case Action::kReadPlaylist: return "read this playlist (it is private)";
    case Action::kModifyPlaylist: return "change this playlist (only its owner may)";
    case Action::kManageUsers: return "manage users (admins only)";
  }
  return "do that";
}

}  // namespace

bool IsAllowed(const Principal& who, Action action, const Resource* resource) {
  if (who.role == Role::kAdmin) return true;
  switch (action) {
    case Action::kReadCatalog:
    case Action::kStream:
    case Action::kCreatePlaylist:
      return true;
    case Action::kCreateCatalog:
    case Action::kUpload:
      return who.role == Role::kArtist;
    case Action::kModifyCatalog:
      return who.role == Role::kArtist && Owns(who, resource);
    case Action::kReadPlaylist:
      return Owns(who, resource) || (resource != nullptr && resource->is_public);
    case Action::kModifyPlaylist:
      return Owns(who, resource);
    case Action::kManageUsers:
      return false;
  }
  return false;
}

void Authorize(const Principal& who, Action action, const Resource* resource) {
  if (!IsAllowed(who, action, resource)) {
    throw PermissionDenied("not allowed to " + std::string(Describe(action)));
  }
}

}  // namespace cadenza
