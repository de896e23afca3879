#include "domain/permissions.h"

#include <gtest/gtest.h>

#include <string>

#include "domain/error.h"

namespace cadenza {
namespace {

const Principal kListener{"u-listener", Role::kListener};
const Principal kArtist{"u-artist", Role::kArtist};
const Principal kOtherArtist{"u-other", Role::kArtist};
const Principal kAdmin{"u-admin", Role::kAdmin};

TEST(PermissionsTest, CatalogueWritesNeedAnArtistOwner) {
  Resource owned{"u-artist"};
  EXPECT_TRUE(IsAllowed(kArtist, Action::kModifyCatalog, &owned));
  EXPECT_FALSE(IsAllowed(kOtherArtist, Action::kModifyCatalog, &owned));
  EXPECT_FALSE(IsAllowed(kListener, Action::kModifyCatalog, &owned));
  EXPECT_TRUE(IsAllowed(kAdmin, Action::kModifyCatalog, &owned));
  EXPECT_FALSE(IsAllowed(kListener, Action::kCreateCatalog));
  EXPECT_FALSE(IsAllowed(kListener, Action::kUpload));
  EXPECT_TRUE(IsAllowed(kArtist, Action::kUpload));
}

TEST(PermissionsTest, PlaylistsArePrivateUnlessPublic) {
  Resource private_list{"u-listener", false};
  Resource public_list{"u-listener", true};
  EXPECT_TRUE(IsAllowed(kListener, Action::kReadPlaylist, &private_list));
  EXPECT_FALSE(IsAllowed(kArtist, Action::kReadPlaylist, &private_list));
  EXPECT_TRUE(IsAllowed(kArtist, Action::kReadPlaylist, &public_list));
  EXPECT_FALSE(IsAllowed(kArtist, Action::kModifyPlaylist, &public_list));
  EXPECT_TRUE(IsAllowed(kAdmin, Action::kModifyPlaylist, &private_list));
}

TEST(PermissionsTest, AuthorizeThrowsPermissionDenied) {
  try {
    Authorize(kListener, Action::kManageUsers);
    FAIL() << "expected a throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(std::string(e.what()).find("admins only"), std::string::npos);
  }
}

TEST(PermissionsTest, MinimumRoleIsTheStaticPartOfEachAction) {
  EXPECT_EQ(MinimumRole(Action::kReadCatalog), Role::kListener);
  EXPECT_EQ(MinimumRole(Action::kStream), Role::kListener);
  EXPECT_EQ(MinimumRole(Action::kCreatePlaylist), Role::kListener);
  EXPECT_EQ(MinimumRole(Action::kModifyPlaylist), Role::kListener);
  EXPECT_EQ(MinimumRole(Action::kCreateCatalog), Role::kArtist);
  EXPECT_EQ(MinimumRole(Action::kModifyCatalog), Role::kArtist);
  EXPECT_EQ(MinimumRole(Action::kUpload), Role::kArtist);
  EXPECT_EQ(MinimumRole(Action::kManageUsers), Role::kAdmin);
}

// Whatever the resource, a principal below an action's minimum role is refused, and one at or
// above it is refused only for a resource reason: the role check never contradicts IsAllowed.
TEST(PermissionsTest, AuthorizeRoleAgreesWithIsAllowedForEveryActionAndRole) {
  const Resource resources[] = {{"u-listener", false}, {"u-artist", false}, {"u-admin", true},
                                {"u-nobody", true}};
  const Action actions[] = {Action::kReadCatalog,    Action::kStream,        Action::kCreateCatalog,
                            Action::kModifyCatalog,  Action::kUpload,        Action::kCreatePlaylist,
                            Action::kReadPlaylist,   Action::kModifyPlaylist, Action::kManageUsers};
  for (const Principal& who : {kListener, kArtist, kAdmin}) {
    for (Action action : actions) {
      bool allowed_somewhere = IsAllowed(who, action);
      for (const Resource& resource : resources) {
        allowed_somewhere = allowed_somewhere || IsAllowed(who, action, &resource);
      }
      bool role_suffices = true;
      try {
        AuthorizeRole(who, action);
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
        role_suffices = false;
      }
      EXPECT_EQ(role_suffices, allowed_somewhere)
          << RoleName(who.role) << " action " << static_cast<int>(action);
    }
  }
}

TEST(PermissionsTest, AuthorizeRoleRefusesWithTheMessageAuthorizeGives) {
  std::string by_role;
  std::string by_resource;
  try {
    AuthorizeRole(kListener, Action::kUpload);
  } catch (const Error& e) {
    by_role = e.what();
  }
  try {
    Authorize(kListener, Action::kUpload);
  } catch (const Error& e) {
    by_resource = e.what();
  }
  EXPECT_EQ(by_role, "not allowed to upload audio (artist accounts only)");
  EXPECT_EQ(by_role, by_resource);
  EXPECT_NO_THROW(AuthorizeRole(kArtist, Action::kModifyCatalog));  // ownership is not checked
  EXPECT_NO_THROW(AuthorizeRole(kAdmin, Action::kManageUsers));
}

}  // namespace
}  // namespace cadenza
