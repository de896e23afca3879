#include "services/account_service.h"

#include <utility>

#include "domain/error.h"
#include "domain/ids.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

constexpr std::string_view kBadCredentials = "email or password is incorrect";
constexpr std::string_view kDisabled = "this account is disabled";
constexpr std::string_view kEmailTaken = "an account with this email already exists";

Error EmailTaken() { return Error(ErrorCode::kConflict, std::string(kEmailTaken), "email"); }

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
                               const Clock& clock, AccountOptions options)
    : catalog_(catalog),
      hasher_(hasher),
      tokens_(tokens),
      ids_(ids),
      clock_(clock),
      options_(options),
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

AuthResult AccountService::Register(std::string_view email, std::string_view password,
                                    std::string_view display_name, Role role) {
  if (role == Role::kAdmin) {
    throw InvalidArgument("role",
                          "role must be listener or artist: admins are created with "
                          "`cadenza user create`");
  }
  User user = NewUser(email, password, display_name, role);
  InsertUser(user);
  TokenService::Issued token = tokens_.Issue(Principal{user.id, user.role});
  return AuthResult{std::move(user), std::move(token)};
}

AuthResult AccountService::Login(std::string_view email, std::string_view password) {
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
  if (!user) {
    hasher_.Verify(dummy_hash_, candidate);
    throw Unauthenticated(std::string(kBadCredentials));
  }
  bool ok = hasher_.Verify(user->password_hash, candidate);
  if (!ok || password.size() > options_.max_password_bytes) {
    throw Unauthenticated(std::string(kBadCredentials));
  }
  if (user->disabled_at) throw PermissionDenied(std::string(kDisabled));
  TokenService::Issued token = tokens_.Issue(Principal{user->id, user->role});
  return AuthResult{std::move(*user), std::move(token)};
}

Principal AccountService::Authenticate(std::string_view bearer_token) {
  Principal claimed = tokens_.Verify(bearer_token);
  std::optional<User> user = catalog_.ReadValue(
      [&](CatalogTransaction& tx) { return tx.users().FindById(claimed.user_id); });
  if (!user) throw Unauthenticated("this account no longer exists");
  if (user->disabled_at) throw Unauthenticated(std::string(kDisabled));
  return Principal{user->id, user->role};
}

User AccountService::GetUser(std::string_view id) {
  std::optional<User> user =
      catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.users().FindById(id); });
  if (!user) throw NotFound("user not found");
  return std::move(*user);
}

User AccountService::UpdateMe(const Principal& who, const UserPatch& patch) {
  std::optional<std::string> email;
  if (patch.email) email = NormalizeEmail(*patch.email);
  std::optional<std::string> display_name;
  if (patch.display_name)
    display_name = CheckText(*patch.display_name, "displayName", kDisplayNameLimits);

  std::optional<std::string> new_hash;
  std::string verified_hash;
  if (patch.new_password) {
    CheckPassword(*patch.new_password, "password");
    if (!patch.current_password) {
      throw InvalidArgument("currentPassword",
                            "currentPassword is required to change the password");
    }
    User current = GetUser(who.user_id);
    if (patch.current_password->size() > options_.max_password_bytes ||
        !hasher_.Verify(current.password_hash, *patch.current_password)) {
      throw Error(ErrorCode::kPermissionDenied, "currentPassword is incorrect", "currentPassword");
    }
    verified_hash = current.password_hash;
    new_hash = hasher_.Hash(*patch.new_password);
  }

  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<User> user = tx.users().FindById(who.user_id);
    if (!user) throw NotFound("user not found");
    if (new_hash) {
      // The current password was checked outside this transaction; a concurrent change since
      // then must not be silently overwritten.
      if (user->password_hash != verified_hash) {
        throw Conflict("the password was changed meanwhile; try again");
      }
      user->password_hash = *new_hash;
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

User AccountService::SetDisabled(std::string_view id_or_email, bool disabled) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<User> user = IsUuid(id_or_email) ? tx.users().FindById(id_or_email)
                                                   : tx.users().FindByEmail(TrimAscii(id_or_email));
    if (!user) throw NotFound("no user with id or email " + std::string(id_or_email));
    if (disabled && !user->disabled_at) {
      user->disabled_at = clock_.Now();
    } else if (!disabled) {
      user->disabled_at.reset();
    }
    user->updated_at = clock_.Now();
    tx.users().Update(*user);
    return *user;
  });
}

}  // namespace cadenza
