#pragma once
// Role-based access control, decided in this one place. Services call Authorize() before
// every use case; nothing else compares roles.
#include <string_view>

#include "domain/principal.h"

namespace cadenza {

enum class Action {
  kReadCatalog,      // artists, albums, tracks: every account
  kStream,           // get a stream URL: every account
  kCreateCatalog,    // create artists (artist accounts, admins)
  kModifyCatalog,    // change/delete an artist and its albums and tracks: its owner, admins
  kUpload,           // request an upload URL: artist accounts, admins
  kCreatePlaylist,   // every account
  kReadPlaylist,     // the owner, admins, anyone when public
  kModifyPlaylist,   // the owner, admins
  kManageUsers,      // admins
};

// What the decision needs to know about the resource, when the action is on one.
struct Resource {
  std::string_view owner_user_id;
  bool is_public = false;
};

bool IsAllowed(const Principal& who, Action action, const Resource* resource = nullptr);

// Throws Error(kPermissionDenied) naming what was refused.
void Authorize(const Principal& who, Action action, const Resource* resource = nullptr);

}  // namespace cadenza
