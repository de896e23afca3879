#pragma once
#include <optional>
#include <string_view>

namespace cadenza {

enum class Role { kListener, kArtist, kAdmin };

std::string_view RoleName(Role role);                       // "listener", "artist", "admin"
std::optional<Role> ParseRole(std::string_view name);       // exact, lower-case names only

}  // namespace cadenza
