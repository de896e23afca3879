// /api/v1/auth/* and /api/v1/users/me.
#include <boost/json/object.hpp>

#include "api/common.h"
#include "api/dto.h"
#include "api/routes.h"
#include "domain/error.h"
#include "domain/role.h"
#include "http/problem.h"
#include "services/account_service.h"
#include "services/attempt_throttle.h"

namespace cadenza::api {

namespace {

// Passwords are taken verbatim (no trimming: spaces may be part of them); the service
// checks their length.
std::string RequiredPassword(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = body.if_contains(field);
  std::string name(field);
  if (value == nullptr || value->is_null()) throw InvalidArgument(name, name + " is required");
  if (!value->is_string()) throw InvalidArgument(name, name + " must be a string");
  return std::string(value->get_string().data(), value->get_string().size());
}

std::optional<std::string> OptionalPassword(const boost::json::object& body,
                                            std::string_view field) {
  if (!body.contains(field)) return std::nullopt;
  return RequiredPassword(body, field);
}

// Emails are validated by the service, which knows the address rules; here only the type.
std::string RequiredEmail(const boost::json::object& body) {
  return RequiredText(body, "email", kEmailLimits);
}

http::Response AuthBody(int status, const AuthResult& result) {
  boost::json::object body{
      {"user", ToJson(result.user)},
      {"accessToken", result.token.token},
      {"tokenType", "Bearer"},
      {"expiresIn", result.token.expires_in_seconds},
  };
  return http::Response::Json(status, body);
}

// The user, and the fresh token a password change hands its caller (their old one is revoked).
http::Response ProfileBody(const ProfileUpdate& update) {
  boost::json::object body = ToJson(update.user);
  if (update.token) {
    body["accessToken"] = update.token->token;
    body["tokenType"] = "Bearer";
    body["expiresIn"] = update.token->expires_in_seconds;
  }
  return http::Response::Json(200, body);
}

// Tokens and personal data must never be kept by a browser or a shared cache (refusals
// included: they answer the same requests); a throttled attempt says when to come back.
template <class Handler>
http::Response Private(Handler&& handler) {
  http::Response response = [&] {
    try {
      return handler();
    } catch (const Error& e) {
      return http::ProblemFor(e);
    }
  }();
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

void RegisterAccountRoutes(http::Router& router, AccountService& accounts) {
  const http::Access member = http::Access::AnyAccount();

  router.AddPublic("POST", "/api/v1/auth/register", [&accounts](http::Request& request) {
    return Private([&] {
      boost::json::object body = ParseJsonObject(request);
      RejectUnknownFields(body, {"email", "password", "displayName", "role"});
      std::string email = RequiredEmail(body);
      std::string password = RequiredPassword(body, "password");
      std::string display_name = RequiredText(body, "displayName", kDisplayNameLimits);
      Role role = Role::kListener;
      if (std::optional<std::string> name = OptionalText(body, "role")) {
        std::optional<Role> parsed = ParseRole(*name);
        if (!parsed) throw InvalidArgument("role", "role must be \"listener\" or \"artist\"");
        role = *parsed;
      }
      return AuthBody(201, accounts.Register(email, password, display_name, role,
                                             request.remote_address));
    });
  });

  router.AddPublic("POST", "/api/v1/auth/login", [&accounts](http::Request& request) {
    return Private([&] {
      boost::json::object body = ParseJsonObject(request);
      RejectUnknownFields(body, {"email", "password"});
      std::string email = RequiredEmail(body);
      std::string password = RequiredPassword(body, "password");
      return AuthBody(200, accounts.Login(email, password, request.remote_address));
    });
  });

  router.AddAuthenticated("GET", "/api/v1/users/me", member,
                          [&accounts](http::Request&, const Principal& who) {
    return Private(
        [&] { return http::Response::Json(200, ToJson(accounts.GetUser(who.user_id))); });
  });

  router.AddAuthenticated(
      "PATCH", "/api/v1/users/me", member,
      [&accounts](http::Request& request, const Principal& who) {
    return Private([&] {
      boost::json::object body = ParseJsonObject(request);
      RejectUnknownFields(body, {"displayName", "email", "password", "currentPassword"});
      UserPatch patch;
      patch.display_name = OptionalText(body, "displayName", kDisplayNameLimits);
      patch.email = OptionalText(body, "email", kEmailLimits);
      patch.new_password = OptionalPassword(body, "password");
      patch.current_password = OptionalPassword(body, "currentPassword");
      return ProfileBody(accounts.UpdateMe(who, patch));
    });
  });

  router.AddAuthenticated("DELETE", "/api/v1/users/me", member,
                          [&accounts](http::Request&, const Principal& who) {
    return Private([&] {
      accounts.DeleteMe(who);
      return http::Response::Empty(204);
    });
  });
}

}  // namespace cadenza::api
