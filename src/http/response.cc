#include "http/response.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace cadenza::http {
namespace {

std::string_view ReasonPhrase(int status) {
  if (status < 100 || status > 999) return "Error";
  std::string_view reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  // Beast answers "<unknown-status>" for codes it has no phrase for.
  if (reason.empty() || reason.front() == '<') return "Error";
  return reason;
}

}  // namespace

Response& Response::SetHeader(std::string name, std::string value) {
  bool replaced = false;
  for (auto it = headers.begin(); it != headers.end();) {
    if (!boost::beast::iequals(it->first, name)) {
      ++it;
    } else if (!replaced) {
      it->first = name;
      it->second = value;
      replaced = true;
      ++it;
    } else {
      it = headers.erase(it);  // a later duplicate would contradict the new value
    }
  }
  if (!replaced) headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Response::Json(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = boost::json::serialize(body);
  return response;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

Response Response::Empty(int status) {
  Response response;
  response.status = status;
  return response;
}

Response Response::Problem(int status, std::string_view detail, boost::json::object extra) {
  boost::json::object problem;
  problem["type"] = "about:blank";
  problem["title"] = ReasonPhrase(status);
  problem["status"] = status;
  problem["detail"] = detail;
  for (auto& member : extra) problem[member.key()] = std::move(member.value());
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/problem+json");
  response.body = boost::json::serialize(problem);
  return response;
}

}  // namespace cadenza::http
