#include "api/common.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <limits>
#include <string>

#include "domain/error.h"
#include "domain/ids.h"
#include "http/header_text.h"
#include "ports/crypto.h"
#include "services/account_service.h"
#include "services/text_rules.h"

namespace cadenza::api {

namespace {

std::string Name(std::string_view field) { return std::string(field); }

Error WrongType(std::string_view field, std::string_view expected) {
  return InvalidArgument(Name(field), Name(field) + " must be " + Name(expected));
}

Error Missing(std::string_view field) {
  return InvalidArgument(Name(field), Name(field) + " is required");
}

// Parses a whole decimal integer (optional leading '-'); nullopt for anything else.
std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// The token of `Authorization: Bearer <token>`; throws Error(kUnauthenticated) otherwise.
std::string_view BearerToken(const http::Request& request) {
  std::string_view header = TrimAscii(request.Header("authorization"));
  if (header.empty()) throw Unauthenticated("missing bearer token");
  std::size_t space = header.find(' ');
  std::string_view scheme = header.substr(0, space);
  std::string_view token =
      space == std::string_view::npos ? std::string_view() : TrimAscii(header.substr(space + 1));
  if (!http::EqualsIgnoreCase(scheme, "bearer") || token.empty() ||
      token.find(' ') != std::string_view::npos) {
    throw Unauthenticated("malformed Authorization header: expected `Bearer <token>`");
  }
  return token;
}

}  // namespace

http::Authenticator BearerAuthenticator(AccountService& accounts) {
  return [&accounts](const http::Request& head) {
    std::string_view token = BearerToken(head);
  return accounts.Authenticate(token);
  };
}

boost::json::object ParseJsonObject(const http::Request& request) {
  std::string_view content_type = TrimAscii(request.Header("content-type"));
  std::string_view media_type = TrimAscii(content_type.substr(0, content_type.find(';')));
  if (!http::EqualsIgnoreCase(media_type, "application/json")) {
    throw Error(ErrorCode::kUnsupportedMedia, "Content-Type must be application/json");
  }
  if (TrimAscii(request.body).empty()) {
    throw InvalidArgument("", "the request body must be a JSON object");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    throw InvalidArgument("", "the request body is not valid JSON (" + ec.message() + ")");
  }
  if (!value.is_object()) throw InvalidArgument("", "the request body must be a JSON object");
  return std::move(value.as_object());
}

std::string RequiredText(const boost::json::object& body, std::string_view field,
                         const TextLimits& limits) {
  const boost::json::value* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) throw Missing(field);
  if (!value->is_string()) throw WrongType(field, "a string");
  const boost::json::string& text = value->get_string();
  return CheckText(std::string_view(text.data(), text.size()), field, limits);
}

std::optional<std::string> OptionalText(const boost::json::object& body, std::string_view field,
                                        const TextLimits& limits, bool null_clears) {
  const boost::json::value* value = body.if_contains(field);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) {
    if (null_clears) return std::string();
    throw WrongType(field, "a string");
  }
  if (!value->is_string()) throw WrongType(field, null_clears ? "a string or null" : "a string");
  const boost::json::string& text = value->get_string();
  return CheckText(std::string_view(text.data(), text.size()), field, limits);
}

std::optional<std::int64_t> OptionalInt(const boost::json::object& body, std::string_view field,
                                        std::int64_t min, std::int64_t max) {
  const boost::json::value* value = body.if_contains(field);
  if (value == nullptr) return std::nullopt;
  std::optional<std::int64_t> number;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {
    // Larger than any int64: out of every range we accept.
    number = std::numeric_limits<std::int64_t>::max();
  } else {
    throw WrongType(field, "an integer");
  }
  if (*number < min || *number > max) {
    throw InvalidArgument(Name(field), Name(field) + " must be an integer from " +
                                           std::to_string(min) + " to " + std::to_string(max));
  }
  return number;
}

std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = body.if_contains(field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) throw WrongType(field, "true or false");
  return value->get_bool();
}

std::string RequiredId(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) throw Missing(field);
  if (!value->is_string()) throw WrongType(field, "a string");
  std::string_view id(value->get_string().data(), value->get_string().size());
  if (!IsUuid(id)) {
    throw InvalidArgument(Name(field), Name(field) + " must be an id (a lower-case UUID)");
  }
  return std::string(id);
}

void RejectUnknownFields(const boost::json::object& body,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& member : body) {
    std::string_view key(member.key().data(), member.key().size());
    bool known = false;
    for (std::string_view name : allowed) known = known || name == key;
    if (!known) {
      std::string list;
      for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + Name(name);
      throw InvalidArgument(Name(key),
                            "unknown field \"" + Name(key) + "\" (expected: " + list + ")");
    }
  }
}

std::string PathId(const http::Request& request, std::string_view name) {
  const std::string& id = request.Param(name);
  if (!IsUuid(id)) throw NotFound("no resource with id \"" + id + "\" (ids are lower-case UUIDs)");
  return id;
}

PageRequest ParsePage(const http::Request& request) {
  PageRequest page;
  if (std::optional<std::string> limit = request.Query("limit")) {
    std::optional<std::int64_t> value = ParseInt(*limit);
    if (!value || *value < 1 || *value > 200) {
      throw InvalidArgument("limit", "limit must be an integer from 1 to 200");
    }
    page.limit = static_cast<int>(*value);
  }
  if (std::optional<std::string> cursor = request.Query("cursor")) {
    std::optional<std::string> id = crypto::Base64UrlDecode(*cursor);
    if (!id || !IsUuid(*id)) {
      throw InvalidArgument("cursor",
                            "cursor is not valid: pass the nextCursor of a previous page as is");
    }
    page.after_id = std::move(*id);
  }
  if (std::optional<std::string> order = request.Query("order")) {
    if (*order != "newest" && *order != "oldest") {
      throw InvalidArgument("order", "order must be newest or oldest");
    }
    page.newest_first = *order == "newest";
  }
  return page;
}

bool MineOnly(const http::Request& request) {
  std::optional<std::string> mine = request.Query("mine");
  if (!mine) return false;
  if (*mine == "true") return true;
  if (*mine == "false") return false;
  throw InvalidArgument("mine", "mine must be true or false");
}

std::string EncodeCursor(std::string_view after_id) { return crypto::Base64UrlEncode(after_id); }

boost::json::object PageBody(boost::json::array items,
                             const std::optional<std::string>& next_after_id) {
  boost::json::object body;
  body["items"] = std::move(items);
  if (next_after_id) {
    body["nextCursor"] = EncodeCursor(*next_after_id);
  } else {
    body["nextCursor"] = nullptr;
  }
  return body;
}

}  // namespace cadenza::api
