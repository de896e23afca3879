#pragma once
// Role-based access control, decided in this one place. Services call Authorize() before
// every use case; routes check the part that depends on the role alone (AuthorizeRole) before
// a request's body is read. Nothing else compares roles.
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

// The least role that may do `action` on some resource: kListener when every account may,
// kArtist for catalogue writes and uploads, kAdmin for user management. A role below it is
// refused whatever the resource (admins rank above artists, artists above listeners); at or
// above it, IsAllowed may still refuse for the resource (ownership, visibility).
Role MinimumRole(Action action);

// The part of Authorize() that needs no resource: throws Error(kPermissionDenied), with the
// message Authorize() would give, when `who` ranks below MinimumRole(action).
void AuthorizeRole(const Principal& who, Action action);

}  // namespace cadenza
