#include "domain/role.h"

namespace cadenza {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kListener: return "listener";
    case Role::kArtist: return "artist";
    case Role::kAdmin: return "admin";
  }
  return "listener";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "listener") return Role::kListener;
  if (name == "artist") return Role::kArtist;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace cadenza
