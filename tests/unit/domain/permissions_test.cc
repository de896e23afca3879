#include "domain/permissions.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cadenza
