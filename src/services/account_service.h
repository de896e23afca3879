#pragma once
// Accounts: registration, login, bearer-token authentication, the caller's own profile, and
// the administrative operations behind `cadenza user ...`.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/entities.h"
#include "domain/pagination.h"
#include "domain/principal.h"
#include "domain/role.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "services/id_generator.h"
#include "services/token_service.h"

namespace cadenza {

struct AccountOptions {
  std::size_t min_password_chars = 8;     // Unicode code points
  std::size_t max_password_bytes = 1024;  // bounds the hashing work an attacker can ask for
};

struct AuthResult {
  User user;
  TokenService::Issued token;
};

// PATCH /users/me. Absent members are left alone. Changing the password requires the current
// one, so a stolen access token cannot lock the owner out.
struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> new_password;
  std::optional<std::string> current_password;
};

// Thread-safe (holds only references to thread-safe collaborators). Every method blocks
// (database, password hashing): call from blocking-work threads. Failures throw cadenza::Error
// whose `field` uses the API's spelling (email, password, displayName, role, currentPassword).
class AccountService {
 public:
  // Hashes a dummy password once, so that a login for an unknown email costs the same
  // password verification as one for a known email.
  AccountService(Catalog& catalog, const PasswordHasher& hasher, const TokenService& tokens,
                 const IdGenerator& ids, const Clock& clock, AccountOptions options = {});

  // Self-service sign-up for listeners and artists. kInvalidArgument for invalid fields or
  // role admin, kConflict "an account with this email already exists" (emails compare
  // case-insensitively).
  AuthResult Register(std::string_view email, std::string_view password,
                      std::string_view display_name, Role role);

  // kUnauthenticated "email or password is incorrect" for an unknown email or a wrong
  // password alike; kPermissionDenied "this account is disabled" once the password is right
  // but the account is disabled.
  AuthResult Login(std::string_view email, std::string_view password);

  // The caller behind an access token: kUnauthenticated when the token is invalid or expired,
  // or the account is gone or disabled. The role is the account's current one, not the token's
  // claim.
  Principal Authenticate(std::string_view bearer_token);

  // kNotFound "user not found".
  User GetUser(std::string_view id);

  // Changes the caller's own account; returns the updated user. kInvalidArgument for invalid
  // fields, and with field currentPassword when a new password comes without it;
  // kPermissionDenied with field currentPassword when it is wrong; kConflict when the new
  // email is taken.
  User UpdateMe(const Principal& who, const UserPatch& patch);

  // Deletes the caller's account for good, with its playlists and (artists) its catalogue.
  void DeleteMe(const Principal& who);

  // --- Administration (the local CLI; no token involved) ---

  // Creates an account of any role, admins included. Same validation and errors as Register.
  User CreateUser(std::string_view email, std::string_view password, std::string_view display_name,
                  Role role);
  Page<User> ListUsers(const PageRequest& page);
  // Disables (or re-enables) the account named by id or email; returns it. kNotFound when
  // none.
  // A disabled account's tokens stop working at once.
  User SetDisabled(std::string_view id_or_email, bool disabled);

 private:
  std::string NormalizeEmail(std::string_view email) const;
  void CheckPassword(std::string_view password, std::string_view field) const;
  User NewUser(std::string_view email, std::string_view password, std::string_view display_name,
               Role role);
  void InsertUser(const User& user);

  Catalog& catalog_;
  const PasswordHasher& hasher_;
  const TokenService& tokens_;
  const IdGenerator& ids_;
  const Clock& clock_;
  AccountOptions options_;
  std::string dummy_hash_;
};

}  // namespace cadenza
