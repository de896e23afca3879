#pragma once
// Helpers every /api/v1 handler uses: JSON bodies, field validation, cursors; and the
// authenticator the router runs for routes that need an account. Validation failures throw
// cadenza::Error(kInvalidArgument) naming the field in the API's spelling, so the client learns
// exactly what to fix.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/pagination.h"
#include "domain/principal.h"
#include "domain/text_rules.h"
#include "http/access.h"
#include "http/request.h"

namespace cadenza {
class AccountService;
}

namespace cadenza::api {

// The router's Authenticator (http/access.h) for /api/v1: the caller behind
// `Authorization: Bearer <token>` (any case of the scheme). The hook throws
// Error(kUnauthenticated) when the header is missing or malformed, the token is invalid or
// expired, or the account is gone or disabled. Thread-safe; `accounts` must outlive it.
http::Authenticator BearerAuthenticator(AccountService& accounts);

// The body as a JSON object: 415 unless Content-Type is application/json (parameters such as
// charset allowed), 400 when it is not valid UTF-8 JSON or not an object.
boost::json::object ParseJsonObject(const http::Request& request);

// A required string field held to `limits` (domain/text_rules.h); trims surrounding ASCII
// whitespace, keeps all other text intact.
std::string RequiredText(const boost::json::object& body, std::string_view field,
                         const TextLimits& limits = kNameLimits);
// Absent -> nullopt; present -> validated like RequiredText. `null` is refused unless
// `null_clears` is set, in which case it yields an empty string (meaning "clear it").
std::optional<std::string> OptionalText(const boost::json::object& body, std::string_view field,
                                        const TextLimits& limits = kNameLimits,
                                        bool null_clears = false);
std::optional<std::int64_t> OptionalInt(const boost::json::object& body, std::string_view field,
                                        std::int64_t min, std::int64_t max);
std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field);
// An id field (UUID text); 400 when absent or malformed.
std::string RequiredId(const boost::json::object& body, std::string_view field);
// 400 naming the first member not in `allowed` (catches typos like "tittle").
void RejectUnknownFields(const boost::json::object& body,
                         std::initializer_list<std::string_view> allowed);

// A path parameter that must be an id; 404 when it is not one (no such resource can exist).
std::string PathId(const http::Request& request, std::string_view name = "id");

// ?limit=1..200 (default 50), ?cursor= (opaque, from a previous nextCursor) and
// ?order=oldest|newest (default oldest).
PageRequest ParsePage(const http::Request& request);
// ?mine=true|false (absent: false); anything else is a 400 naming the parameter.
bool MineOnly(const http::Request& request);
std::string EncodeCursor(std::string_view after_id);
// {items, nextCursor} with nextCursor null on the last page.
boost::json::object PageBody(boost::json::array items, const std::optional<std::string>& next_after_id);

}  // namespace cadenza::api
