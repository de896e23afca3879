#include "http/access.h"

#include "domain/role.h"

namespace cadenza::http {

Access Access::Public() { return Access(false, std::nullopt); }

Access Access::AnyAccount() { return Access(true, std::nullopt); }

Access Access::RoleFor(Action action) { return Access(true, action); }

std::string Access::Describe() const {
  if (!needs_account_) return "public";
  if (!action_ || MinimumRole(*action_) == Role::kListener) return "authenticated";
  return "role:" + std::string(RoleName(MinimumRole(*action_)));
}

void Access::CheckRole(const Principal& caller) const {
  if (action_) AuthorizeRole(caller, *action_);
}

}  // namespace cadenza::http
