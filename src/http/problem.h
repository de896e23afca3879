#pragma once
#include <exception>

#include "domain/error.h"
#include "http/response.h"

namespace cadenza::http {

// The one place where domain error codes become HTTP statuses.
int StatusFor(ErrorCode code);

// problem+json for a domain error (with its `field` when set).
Response ProblemFor(const Error& error);

}  // namespace cadenza::http
