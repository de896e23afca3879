#pragma once
#include <string>

#include "domain/role.h"

namespace cadenza {

// Who is making a request, as established by a verified access token and a live account.
struct Principal {
  std::string user_id;
  Role role = Role::kListener;
};

}  // namespace cadenza
