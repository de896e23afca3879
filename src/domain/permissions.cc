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

int Rank(Role role) {
  switch (role) {
    case Role::kListener: return 0;
    case Role::kArtist: return 1;
    case Role::kAdmin: return 2;
  }
  return 0;
}

bool HasRoleFor(const Principal& who, Action action) {
  return Rank(who.role) >= Rank(MinimumRole(action));
}

Error Refusal(Action action) {
  return PermissionDenied("not allowed to " + std::string(Describe(action)));
}

}  // namespace

Role MinimumRole(Action action) {
  switch (action) {
    case Action::kReadCatalog:
    case Action::kStream:
    case Action::kCreatePlaylist:
    case Action::kReadPlaylist:
    case Action::kModifyPlaylist:
      return Role::kListener;
    case Action::kCreateCatalog:
    case Action::kModifyCatalog:
    case Action::kUpload:
      return Role::kArtist;
    case Action::kManageUsers:
      return Role::kAdmin;
  }
  return Role::kAdmin;  // an out-of-range action is a bug: refuse all but admins
}

bool IsAllowed(const Principal& who, Action action, const Resource* resource) {
  if (!HasRoleFor(who, action)) return false;
  if (who.role == Role::kAdmin) return true;
  switch (action) {
    case Action::kModifyCatalog:
    case Action::kModifyPlaylist:
      return Owns(who, resource);
    case Action::kReadPlaylist:
      return Owns(who, resource) || (resource != nullptr && resource->is_public);
    case Action::kReadCatalog:
    case Action::kStream:
    case Action::kCreatePlaylist:
    case Action::kCreateCatalog:
    case Action::kUpload:
    case Action::kManageUsers:
      return true;
  }
  return false;
}

void Authorize(const Principal& who, Action action, const Resource* resource) {
  if (!IsAllowed(who, action, resource)) throw Refusal(action);
}

void AuthorizeRole(const Principal& who, Action action) {
  if (!HasRoleFor(who, action)) throw Refusal(action);
}

}  // namespace cadenza
