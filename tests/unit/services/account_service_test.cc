#include "services/account_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "account_test_env.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

class AccountServiceTest : public test_env::ServiceTestEnv {};

TEST_F(AccountServiceTest, RegisterCreatesTheAccountAndIssuesAToken) {
  AuthResult result = accounts_->Register("  Ada@Example.com ", kPassword, " Ada ", Role::kArtist);
  EXPECT_EQ(result.user.email, "Ada@Example.com");
  EXPECT_EQ(result.user.display_name, "Ada");
  EXPECT_EQ(result.user.role, Role::kArtist);
  EXPECT_NE(result.user.password_hash, kPassword);
  EXPECT_GT(result.token.expires_in_seconds, 0);

  Principal who = tokens_.Verify(result.token.token);
  EXPECT_EQ(who.user_id, result.user.id);
  EXPECT_EQ(accounts_->GetUser(result.user.id).email, "Ada@Example.com");
}

TEST_F(AccountServiceTest, RegisterRefusesTheAdminRole) {
  Error e = ErrorFrom([&] { accounts_->Register("a@example.com", kPassword, "A", Role::kAdmin); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "role");
  EXPECT_NE(std::string(e.what()).find("cadenza user create"), std::string::npos) << e.what();
}

TEST_F(AccountServiceTest, RegisterValidatesTheEmail) {
  for (const char* email :
       {"", "ab", "no-at-sign.example.com", "two@@example.com", "a@b@example.com", "@example.com",
        "name@localhost", "name@.example.com", "name@example.com.", "na me@example.com",
        "name@exa\tmple.com"}) {
    Error e = ErrorFrom([&] { accounts_->Register(email, kPassword, "N", Role::kListener); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << email;
    EXPECT_EQ(e.field(), "email") << email;
  }
  std::string long_email = std::string(250, 'a') + "@b.co";  // 255 characters
  EXPECT_EQ(
      ErrorFrom([&] { accounts_->Register(long_email, kPassword, "N", Role::kListener); }).field(),
      "email");
}

TEST_F(AccountServiceTest, RegisterValidatesThePasswordLength) {
  Error short_one =
      ErrorFrom([&] { accounts_->Register("a@example.com", "1234567", "A", Role::kListener); });
  EXPECT_EQ(short_one.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(short_one.field(), "password");

  // Seven two-byte characters are still seven characters.
  std::string seven_accents;
  for (int i = 0; i < 7; ++i) seven_accents += "\xC3\xA9";
  EXPECT_EQ(ErrorFrom([&] {
              accounts_->Register("a@example.com", seven_accents, "A", Role::kListener);
            }).field(),
            "password");
  EXPECT_NO_THROW(
      accounts_->Register("a@example.com", seven_accents + "\xC3\xA9", "A", Role::kListener));

  std::string huge(1025, 'x');
  Error too_long =
      ErrorFrom([&] { accounts_->Register("b@example.com", huge, "B", Role::kListener); });
  EXPECT_EQ(too_long.field(), "password");
}

TEST_F(AccountServiceTest, RegisterValidatesTheDisplayName) {
  EXPECT_EQ(ErrorFrom([&] {
              accounts_->Register("a@example.com", kPassword, "  ", Role::kListener);
            }).field(),
            "displayName");
  EXPECT_EQ(ErrorFrom([&] {
              accounts_->Register("a@example.com", kPassword, "A\nB", Role::kListener);
            }).field(),
            "displayName");
}

TEST_F(AccountServiceTest, DuplicateEmailsConflictWhateverTheirCase) {
  accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener);
  Error e =
      ErrorFrom([&] { accounts_->Register("ADA@example.COM", kPassword, "Other", Role::kArtist); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_STREQ(e.what(), "an account with this email already exists");
  EXPECT_EQ(e.field(), "email");
}

TEST_F(AccountServiceTest, LoginWithTheRightPasswordIssuesAToken) {
  User user = accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener).user;
  AuthResult result = accounts_->Login(" ADA@example.com", kPassword);
  EXPECT_EQ(result.user.id, user.id);
  EXPECT_EQ(tokens_.Verify(result.token.token).user_id, user.id);
  EXPECT_EQ(accounts_->Authenticate(result.token.token).user_id, user.id);
}

TEST_F(AccountServiceTest, UnknownEmailAndWrongPasswordFailTheSameWay) {
  accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener);
  Error wrong_password =
      ErrorFrom([&] { accounts_->Login("ada@example.com", "not the password"); });
  Error unknown_email = ErrorFrom([&] { accounts_->Login("bob@example.com", kPassword); });
  Error malformed_email = ErrorFrom([&] { accounts_->Login("", kPassword); });
  for (const Error* e : {&wrong_password, &unknown_email, &malformed_email}) {
    EXPECT_EQ(e->code(), ErrorCode::kUnauthenticated);
    EXPECT_STREQ(e->what(), "email or password is incorrect");
    EXPECT_EQ(e->field(), "");
  }
  EXPECT_EQ(ErrorFrom([&] { accounts_->Login("ada@example.com", std::string(5000, 'x')); }).code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, DisabledAccountsCannotLogInOrUseTheirTokens) {
  AuthResult registered = accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener);
  User disabled = accounts_->SetDisabled("ADA@example.com", true);
  EXPECT_TRUE(disabled.disabled_at.has_value());

  Error login = ErrorFrom([&] { accounts_->Login("ada@example.com", kPassword); });
  EXPECT_EQ(login.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(login.what(), "this account is disabled");
  // A wrong password on a disabled account reveals nothing more than on any other.
  EXPECT_EQ(ErrorFrom([&] { accounts_->Login("ada@example.com", "wrong password"); }).code(),
            ErrorCode::kUnauthenticated);

  Error token = ErrorFrom([&] { accounts_->Authenticate(registered.token.token); });
  EXPECT_EQ(token.code(), ErrorCode::kUnauthenticated);
  EXPECT_STREQ(token.what(), "this account is disabled");

  // Enabling restores login, not the tokens issued before the disable.
  accounts_->SetDisabled(registered.user.id, false);
  EXPECT_EQ(ErrorFrom([&] { accounts_->Authenticate(registered.token.token); }).code(),
            ErrorCode::kUnauthenticated);
  AuthResult again = accounts_->Login("ada@example.com", kPassword);
  EXPECT_EQ(accounts_->Authenticate(again.token.token).user_id, registered.user.id);

  EXPECT_EQ(ErrorFrom([&] { accounts_->SetDisabled("nobody@example.com", true); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(AccountServiceTest, AuthenticateTakesTheRoleFromTheDatabase) {
  AuthResult registered = accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener);
  EXPECT_EQ(accounts_->Authenticate(registered.token.token).role, Role::kListener);
  catalog_->Write([&](CatalogTransaction& tx) {
    User user = *tx.users().FindById(registered.user.id);
    user.role = Role::kArtist;
    tx.users().Update(user);
  });
  Principal who = accounts_->Authenticate(registered.token.token);
  EXPECT_EQ(who.role, Role::kArtist);
  EXPECT_NO_THROW(catalogue_->CreateArtist(who, ArtistDraft{"Promoted", std::nullopt}));
}

TEST_F(AccountServiceTest, AuthenticateRefusesBadTokensAndDeletedAccounts) {
  EXPECT_EQ(ErrorFrom([&] { accounts_->Authenticate("not-a-token"); }).code(),
            ErrorCode::kUnauthenticated);
  AuthResult registered = accounts_->Register("ada@example.com", kPassword, "Ada", Role::kListener);
  accounts_->DeleteMe(Principal{registered.user.id, registered.user.role});
  Error gone = ErrorFrom([&] { accounts_->Authenticate(registered.token.token); });
  EXPECT_EQ(gone.code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorFrom([&] { accounts_->GetUser(registered.user.id); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(AccountServiceTest, UpdateMeChangesNameAndEmail) {
  Principal ada = NewAccount(Role::kListener, "ada");
  NewAccount(Role::kListener, "bob");
  UserPatch patch;
  patch.display_name = "Ada L.";
  patch.email = "ada.l@example.org";
  patch.current_password = kPassword;
  User updated = accounts_->UpdateMe(ada, patch).user;
  EXPECT_FALSE(accounts_->UpdateMe(ada, UserPatch{}).token) << "no new token without a new password";
  EXPECT_EQ(updated.display_name, "Ada L.");
  EXPECT_EQ(updated.email, "ada.l@example.org");
  EXPECT_NO_THROW(accounts_->Login("ada.l@example.org", kPassword));

  UserPatch taken;
  taken.email = "BOB@example.com";
  taken.current_password = kPassword;
  Error e = ErrorFrom([&] { accounts_->UpdateMe(ada, taken); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "email");

  UserPatch own_case;  // a different case of one's own address is not a conflict
  own_case.email = "ADA.L@example.org";
  own_case.current_password = kPassword;
  EXPECT_EQ(accounts_->UpdateMe(ada, own_case).user.email, "ADA.L@example.org");

  UserPatch bad;
  bad.email = "not-an-email";
  EXPECT_EQ(ErrorFrom([&] { accounts_->UpdateMe(ada, bad); }).field(), "email");
}

TEST_F(AccountServiceTest, ChangingThePasswordNeedsTheCurrentOne) {
  Principal ada = NewAccount(Role::kListener, "ada");
  UserPatch patch;
  patch.new_password = "a brand new secret";

  Error missing = ErrorFrom([&] { accounts_->UpdateMe(ada, patch); });
  EXPECT_EQ(missing.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.field(), "currentPassword");

  patch.current_password = "wrong password";
  Error wrong = ErrorFrom([&] { accounts_->UpdateMe(ada, patch); });
  EXPECT_EQ(wrong.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong.field(), "currentPassword");

  UserPatch too_short;
  too_short.new_password = "short";
  too_short.current_password = kPassword;
  EXPECT_EQ(ErrorFrom([&] { accounts_->UpdateMe(ada, too_short); }).field(), "password");

  patch.current_password = kPassword;
  accounts_->UpdateMe(ada, patch);
  EXPECT_NO_THROW(accounts_->Login("ada@example.com", "a brand new secret"));
  EXPECT_EQ(ErrorFrom([&] { accounts_->Login("ada@example.com", kPassword); }).code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, DeleteMeRemovesTheAccountWithItsCatalogueAndPlaylists) {
  Principal artist = NewAccount(Role::kArtist);
  Artist band = NewArtist(artist);
  Album album = NewAlbum(artist, band.id);
  Track track = NewTrack(album.id, "Song");
  Playlist playlist = playlists_->Create(artist, PlaylistDraft{"Mine", std::nullopt, false});

  accounts_->DeleteMe(artist);

  catalog_->Read([&](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById(artist.user_id));
    EXPECT_FALSE(tx.artists().FindById(band.id));
    EXPECT_FALSE(tx.albums().FindById(album.id));
    EXPECT_FALSE(tx.tracks().FindById(track.id));
    EXPECT_FALSE(tx.playlists().FindById(playlist.id));
    std::vector<std::string> queued = tx.blob_deletions().Peek(10);
    EXPECT_NE(std::find(queued.begin(), queued.end(), track.blob_key), queued.end());
  });
  EXPECT_EQ(ErrorFrom([&] { accounts_->DeleteMe(artist); }).code(), ErrorCode::kNotFound);
}

TEST_F(AccountServiceTest, AdminsCreateAccountsOfAnyRoleAndListThem) {
  User admin = accounts_->CreateUser("root@example.com", kPassword, "Root", Role::kAdmin);
  EXPECT_EQ(admin.role, Role::kAdmin);
  EXPECT_EQ(accounts_->Login("root@example.com", kPassword).user.role, Role::kAdmin);
  EXPECT_EQ(ErrorFrom([&] {
              accounts_->CreateUser("ROOT@example.com", kPassword, "R", Role::kListener);
            }).code(),
            ErrorCode::kConflict);

  for (int i = 0; i < 4; ++i) NewAccount(Role::kListener);
  PageRequest page;
  page.limit = 3;
  Page<User> first = accounts_->ListUsers(page);
  ASSERT_EQ(first.items.size(), 3u);
  ASSERT_TRUE(first.next_after_id);
  page.after_id = first.next_after_id;
  Page<User> second = accounts_->ListUsers(page);
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_FALSE(second.next_after_id);
  EXPECT_EQ(first.items[0].id, admin.id);
}

}  // namespace
}  // namespace cadenza
