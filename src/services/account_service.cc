#include "services/account_service.h"

#include <chrono>
#include <utility>

#include "domain/error.h"
#include "domain/ids.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

constexpr std::string_view kBadCredentials = "email or password is incorrect";
constexpr std::string_view kDisabled = "this account is disabled";
constexpr std::string_view kEmailTaken = "an account with this email already exists";

constexpr std::string_view kRevoked =
    "this token was revoked: the account's password, role or status changed since; sign in again";

Error EmailTaken() { return Error(ErrorCode::kConflict, std::string(kEmailTaken), "email"); }

std::string WaitText(std::chrono::seconds wait) {
  return "wait " + std::to_string(wait.count()) + " seconds before trying again";
}

// The throttle key of an email as typed: ASCII case folded, as the database compares them.
std::string AccountKey(std::string_view email) {
  std::string key(TrimAscii(email));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

// Inserts or updates, turning the repository's uniqueness conflict into the message a client
// can act on (the only unique column of users besides the id is the email).
template <class Fn>
void WithEmailConflict(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kConflict) throw EmailTaken();
    throw;
  }
}

}  // namespace

AccountService::AccountService(Catalog& catalog, const PasswordHasher& hasher,
                               const TokenService& tokens, const IdGenerator& ids,
                               const Clock& clock, AccountOptions options,
                               AccountThrottles throttles)
    : catalog_(catalog),
      hasher_(hasher),
      tokens_(tokens),
      ids_(ids),
      clock_(clock),
      options_(options),
      throttles_(throttles),
      dummy_hash_(hasher.Hash("cadenza timing-equaliser password")) {}

std::string AccountService::NormalizeEmail(std::string_view email) const {
  std::string_view trimmed = TrimAscii(email);
  auto invalid = [&](const std::string& why) { return InvalidArgument("email", "email " + why); };
  if (trimmed.size() < 3 || trimmed.size() > 254) {
    throw invalid("must be 3 to 254 characters long");
  }
  for (char c : trimmed) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) throw invalid("must not contain spaces or control characters");
  }
  if (CountCodePoints(trimmed) == std::string::npos) throw invalid("must be valid UTF-8 text");
  std::size_t at = trimmed.find('@');
  if (at == std::string_view::npos || trimmed.find('@', at + 1) != std::string_view::npos) {
    throw invalid("must contain exactly one '@' (like name@example.com)");
  }
  std::string_view local = trimmed.substr(0, at);
  std::string_view domain = trimmed.substr(at + 1);
  if (local.empty()) throw invalid("needs a name before the '@' (like name@example.com)");
  std::size_t dot = domain.find('.');
  if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    throw invalid("needs a domain with a dot after the '@' (like name@example.com)");
  }
  return std::string(trimmed);
}

void AccountService::CheckPassword(std::string_view password, std::string_view field) const {
  std::string name(field);
  if (password.size() > options_.max_password_bytes) {
    throw InvalidArgument(
        name, name + " must be at most " + std::to_string(options_.max_password_bytes) + " bytes");
  }
  std::size_t chars = CountCodePoints(password);
  if (chars == std::string::npos) throw InvalidArgument(name, name + " must be valid UTF-8 text");
  if (chars < options_.min_password_chars) {
    throw InvalidArgument(name, name + " must be at least " +
                                    std::to_string(options_.min_password_chars) + " characters");
  }
}

User AccountService::NewUser(std::string_view email, std::string_view password,
                             std::string_view display_name, Role role) {
  User user;
  user.email = NormalizeEmail(email);
  CheckPassword(password, "password");
  user.display_name = CheckText(display_name, "displayName", kDisplayNameLimits);
  user.role = role;
  // Hashing is slow on purpose: done before the transaction so writers are not held up.
  user.password_hash = hasher_.Hash(password);
  user.id = ids_.Next();
  user.created_at = user.updated_at = clock_.Now();
  return user;
}

void AccountService::InsertUser(const User& user) {
  catalog_.Write([&](CatalogTransaction& tx) {
    if (tx.users().FindByEmail(user.email)) throw EmailTaken();
    WithEmailConflict([&] { tx.users().Insert(user); });
  });
}

void AccountService::ThrottleRegistration(std::string_view client) const {
  if (throttles_.registrations == nullptr || client.empty()) return;
  if (std::chrono::seconds wait = throttles_.registrations->Wait(client); wait.count() > 0) {
    throw TooManyAttempts("too many sign-ups from your address; " + WaitText(wait), wait);
  }
  // Every attempt counts, taken email or not: that is what makes probing for accounts slow.
  throttles_.registrations->Record(client);
}

AuthResult AccountService::Register(std::string_view email, std::string_view password,
                                    std::string_view display_name, Role role,
                                    std::string_view client) {
  if (role == Role::kAdmin) {
    throw InvalidArgument("role",
                          "role must be listener or artist: admins are created with "
                          "`cadenza user create`");
  }
  ThrottleRegistration(client);
  User user = NewUser(email, password, display_name, role);
  InsertUser(user);
  TokenService::Issued token = tokens_.Issue(Principal{user.id, user.role}, user.token_version);
  return AuthResult{std::move(user), std::move(token)};
}

void AccountService::RefuseWhileThrottled(const std::string& account_key,
                                          std::string_view client) const {
  if (throttles_.login_accounts != nullptr) {
    if (std::chrono::seconds wait = throttles_.login_accounts->Wait(account_key); wait.count()) {
      throw TooManyAttempts("too many failed sign-ins for this account; " + WaitText(wait), wait);
    }
  }
  if (throttles_.login_clients != nullptr && !client.empty()) {
    if (std::chrono::seconds wait = throttles_.login_clients->Wait(client); wait.count()) {
      throw TooManyAttempts("too many failed sign-ins from your address; " + WaitText(wait), wait);
    }
  }
}

void AccountService::RecordLoginFailure(const std::string& account_key,
                                        std::string_view client) const {
  if (throttles_.login_accounts != nullptr) throttles_.login_accounts->Record(account_key);
  if (throttles_.login_clients != nullptr && !client.empty()) {
    throttles_.login_clients->Record(client);
  }
}

AuthResult AccountService::Login(std::string_view email, std::string_view password,
                                 std::string_view client) {
  // Unknown emails are throttled like known ones, so a 429 tells nothing about existence.
  const std::string account_key = AccountKey(email);
  RefuseWhileThrottled(account_key, client);
  std::string_view trimmed = TrimAscii(email);
  std::optional<User> user;
  if (!trimmed.empty() && trimmed.size() <= 254) {
    user =
        catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.users().FindByEmail(trimmed); });
  }
  // Over-long passwords are never valid; verify a short stand-in so the work stays bounded
  // while the response still takes one verification's time.
  std::string_view candidate =
      password.size() > options_.max_password_bytes ? std::string_view("x") : password;
  bool ok = false;
  if (user) {
    ok = hasher_.Verify(user->password_hash, candidate);
  } else {
    hasher_.Verify(dummy_hash_, candidate);  // an unknown email costs what a known one does
  }
  if (!ok || password.size() > options_.max_password_bytes) {
    RecordLoginFailure(account_key, client);
    throw Unauthenticated(std::string(kBadCredentials));
  }
  if (throttles_.login_accounts != nullptr) throttles_.login_accounts->Reset(account_key);
  if (user->disabled_at) throw PermissionDenied(std::string(kDisabled));
  TokenService::Issued token = tokens_.Issue(Principal{user->id, user->role}, user->token_version);
  return AuthResult{std::move(*user), std::move(token)};
}

Principal AccountService::Authenticate(std::string_view bearer_token) {
  TokenService::Verified claimed = tokens_.VerifyClaims(bearer_token);
  // A primary-key read on the primary copy (never a lagging replica): cheap enough for every
  // request, and it sees a revocation made by any process at once.
  std::optional<User> user = catalog_.ReadLatestValue(
      [&](CatalogTransaction& tx) { return tx.users().FindById(claimed.principal.user_id); });
  if (!user) throw Unauthenticated("this account no longer exists");
  if (user->disabled_at) throw Unauthenticated(std::string(kDisabled));
  if (user->token_version != claimed.token_version) throw Unauthenticated(std::string(kRevoked));
  return Principal{user->id, user->role};
}

User AccountService::GetUser(std::string_view id) {
  std::optional<User> user =
      catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.users().FindById(id); });
  if (!user) throw NotFound("user not found");
  return std::move(*user);
}

std::string AccountService::VerifyCurrentPassword(std::string_view user_id,
                                                  const std::optional<std::string>& password,
                                                  std::string_view needed_for) {
  if (!password) {
    throw InvalidArgument("currentPassword",
                          "currentPassword is required to change the " + std::string(needed_for));
  }
  User current = GetUser(user_id);
  if (password->size() > options_.max_password_bytes ||
      !hasher_.Verify(current.password_hash, *password)) {
    throw Error(ErrorCode::kPermissionDenied, "currentPassword is incorrect", "currentPassword");
  }
  return current.password_hash;
}

ProfileUpdate AccountService::UpdateMe(const Principal& who, const UserPatch& patch) {
  std::optional<std::string> email;
  if (patch.email) email = NormalizeEmail(*patch.email);
  std::optional<std::string> display_name;
  if (patch.display_name)
    display_name = CheckText(*patch.display_name, "displayName", kDisplayNameLimits);
  if (patch.new_password) CheckPassword(*patch.new_password, "password");

  std::optional<std::string> new_hash;
  std::string verified_hash;
  if (patch.new_password || email) {
    verified_hash = VerifyCurrentPassword(who.user_id, patch.current_password,
                                          patch.new_password ? "password" : "email");
  }
  if (patch.new_password) new_hash = hasher_.Hash(*patch.new_password);

  User updated = catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<User> user = tx.users().FindById(who.user_id);
    if (!user) throw NotFound("user not found");
    // The current password was checked outside this transaction; a concurrent change since
    // then must not be silently overwritten.
    if (!verified_hash.empty() && user->password_hash != verified_hash) {
      throw Conflict("the password was changed meanwhile; try again");
    }
    if (new_hash) {
      user->password_hash = *new_hash;
      ++user->token_version;  // whoever holds an older token may be who learnt the old password
    }
    if (display_name) user->display_name = *display_name;
    if (email) {
      std::optional<User> holder = tx.users().FindByEmail(*email);
      if (holder && holder->id != user->id) throw EmailTaken();
      user->email = *email;
    }
    user->updated_at = clock_.Now();
    WithEmailConflict([&] { tx.users().Update(*user); });
    return *user;
  });
  ProfileUpdate result{std::move(updated), std::nullopt};
  if (new_hash) {
    result.token = tokens_.Issue(Principal{result.user.id, result.user.role},
                                 result.user.token_version);
  }
  return result;
}

void AccountService::DeleteMe(const Principal& who) {
  catalog_.Write([&](CatalogTransaction& tx) {
    if (!tx.users().FindById(who.user_id)) throw NotFound("user not found");
    tx.users().Delete(who.user_id);
  });
}

User AccountService::CreateUser(std::string_view email, std::string_view password,
                                std::string_view display_name, Role role) {
  User user = NewUser(email, password, display_name, role);
  InsertUser(user);
  return user;
}

Page<User> AccountService::ListUsers(const PageRequest& page) {
  return catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.users().List(page); });
}

template <class Edit>
User AccountService::EditAccount(std::string_view id_or_email, Edit&& edit) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<User> user = IsUuid(id_or_email) ? tx.users().FindById(id_or_email)
                                                   : tx.users().FindByEmail(TrimAscii(id_or_email));
    if (!user) throw NotFound("no user with id or email " + std::string(id_or_email));
    edit(*user);
    user->updated_at = clock_.Now();
    tx.users().Update(*user);
    return *user;
  });
}

User AccountService::SetDisabled(std::string_view id_or_email, bool disabled) {
  return EditAccount(id_or_email, [&](User& user) {
    if (disabled && !user.disabled_at) {
      user.disabled_at = clock_.Now();
      // Enabling again must not bring back tokens issued before the disable.
      ++user.token_version;
    } else if (!disabled) {
      user.disabled_at.reset();
    }
  });
}

User AccountService::SetRole(std::string_view id_or_email, Role role) {
  return EditAccount(id_or_email, [&](User& user) {
    if (user.role == role) return;
    user.role = role;
    ++user.token_version;
  });
}

}  // namespace cadenza
