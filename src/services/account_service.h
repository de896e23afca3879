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
#include "services/attempt_throttle.h"
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

// The throttles that slow down guessing; any may be null (not throttled). Keys are the
// account's email (lower-cased) and the client's address.
struct AccountThrottles {
  AttemptThrottle* login_accounts = nullptr;    // failed logins per account
  AttemptThrottle* login_clients = nullptr;     // failed logins per client address
  AttemptThrottle* registrations = nullptr;     // sign-ups per client address
};

// What PATCH /users/me changed: the account, and a fresh token when the password changed
// (which revokes every token issued before, the caller's included).
struct ProfileUpdate {
  User user;
  std::optional<TokenService::Issued> token;
};

// PATCH /users/me. Absent members are left alone. Changing the password or the email (the
// login name, and where a reset would go) requires the current password, so a stolen access
// token cannot take the account over or lock the owner out.
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
                 const IdGenerator& ids, const Clock& clock, AccountOptions options = {},
                 AccountThrottles throttles = {});

  // Self-service sign-up for listeners and artists. kInvalidArgument for invalid fields or
  // role admin, kConflict "an account with this email already exists" (emails compare
  // case-insensitively). The password is hashed before the email is looked up, so a taken
  // email answers in the time a new one takes. TooManyAttempts (kTooManyRequests) once
  // `client` (an address; empty: not throttled) has signed up too often.
  AuthResult Register(std::string_view email, std::string_view password,
                      std::string_view display_name, Role role, std::string_view client = {});

  // kUnauthenticated "email or password is incorrect" for an unknown email or a wrong
  // password alike; kPermissionDenied "this account is disabled" once the password is right
  // but the account is disabled. TooManyAttempts (kTooManyRequests, nothing verified) while
  // the email or `client` is throttled after repeated failures; a success clears the
  // email's failures (not the client's).
  AuthResult Login(std::string_view email, std::string_view password,
                   std::string_view client = {});

  // The caller behind an access token: kUnauthenticated when the token is invalid or expired,
  // the account is gone or disabled, or the token predates the account's last password, role
  // or status change (its token version). The role is the account's current one, not the
  // token's claim.
  Principal Authenticate(std::string_view bearer_token);

  // kNotFound "user not found".
  User GetUser(std::string_view id);

  // Changes the caller's own account; returns the updated user, with a fresh token when the
  // password changed (every earlier token of the account is revoked). kInvalidArgument for
  // invalid fields, and with field currentPassword when a new password or email comes without
  // it; kPermissionDenied with field currentPassword when it is wrong; kConflict when the new
  // email is taken.
  ProfileUpdate UpdateMe(const Principal& who, const UserPatch& patch);

  // Deletes the caller's account for good, with its playlists and (artists) its catalogue.
  void DeleteMe(const Principal& who);

  // --- Administration (the local CLI; no token involved) ---

  // Creates an account of any role, admins included. Same validation and errors as Register.
  User CreateUser(std::string_view email, std::string_view password, std::string_view display_name,
                  Role role);
  Page<User> ListUsers(const PageRequest& page);
  // Disables (or re-enables) the account named by id or email; returns it. kNotFound when
  // none.
  // A disabled account's tokens stop working at once, and stay revoked when it is enabled
  // again.
  User SetDisabled(std::string_view id_or_email, bool disabled);
  // Gives the account named by id or email another role and revokes its tokens; returns it.
  // kNotFound when none.
  User SetRole(std::string_view id_or_email, Role role);

 private:
  std::string NormalizeEmail(std::string_view email) const;
  void CheckPassword(std::string_view password, std::string_view field) const;
  User NewUser(std::string_view email, std::string_view password, std::string_view display_name,
               Role role);
  void InsertUser(const User& user);
  // The verified current password of `user_id` (its hash, to detect a concurrent change).
  std::string VerifyCurrentPassword(std::string_view user_id,
                                    const std::optional<std::string>& password,
                                    std::string_view needed_for);
  void RefuseWhileThrottled(const std::string& account_key, std::string_view client) const;
  void RecordLoginFailure(const std::string& account_key, std::string_view client) const;
  void ThrottleRegistration(std::string_view client) const;
  // Applies `edit` to the account named by id or email in one write transaction.
  template <class Edit>
  User EditAccount(std::string_view id_or_email, Edit&& edit);

  Catalog& catalog_;
  const PasswordHasher& hasher_;
  const TokenService& tokens_;
  const IdGenerator& ids_;
  const Clock& clock_;
  AccountOptions options_;
  AccountThrottles throttles_;
  std::string dummy_hash_;
};

}  // namespace cadenza
