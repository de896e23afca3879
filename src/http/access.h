#pragma once
// Who may call a route. Every route states it when it is added (Router::AddPublic,
// Router::AddAuthenticated): there is no default, so no route becomes public by omission.
// The connection authenticates the caller of a route that needs an account, and checks the
// part of its role that does not depend on the resource, before the request body is read.
#include <functional>
#include <optional>
#include <string>

#include "domain/permissions.h"
#include "domain/principal.h"
#include "http/request.h"

namespace cadenza::http {

// Who is calling, from the request head alone (the body is not read yet). Throws
// Error(kUnauthenticated) saying what is wrong with the credentials. Runs on the
// blocking-work threads (it may query the database) and must be thread-safe.
using Authenticator = std::function<Principal(const Request& head)>;

class Access {
 public:
  // Anyone: no credentials are looked at (the route needs none, or checks its own, such as a
  // signed URL or a media token in the path).
  static Access Public();
  // Any signed-in account, whatever its role.
  static Access AnyAccount();
  // A signed-in account whose role may do `action` on some resource (MinimumRole in
  // domain/permissions.h); whether it may on the resource at hand is the use case's decision.
  static Access RoleFor(Action action);

  bool needs_account() const { return needs_account_; }
  // "public", "authenticated", or "role:<least role>" when the action needs more than a
  // listener ("role:artist": artists and admins).
  std::string Describe() const;
  // Throws Error(kPermissionDenied) when `caller`'s role may never do the route's action (see
  // AuthorizeRole). Does nothing for routes that take any account.
  void CheckRole(const Principal& caller) const;

 private:
  Access(bool needs_account, std::optional<Action> action)
      : needs_account_(needs_account), action_(action) {}

  bool needs_account_;
  std::optional<Action> action_;
};

}  // namespace cadenza::http
