#pragma once
#include <exception>

#include "domain/error.h"
#include "http/response.h"

namespace cadenza::http {

// The one place where domain error codes become HTTP statuses (see domain/error.h).
int StatusFor(ErrorCode code);

// problem+json for a domain error: detail = what(), `field` when set; a 401 also carries
// `WWW-Authenticate: Bearer`.
Response ProblemFor(const Error& error);

}  // namespace cadenza::http
