#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "api/openapi_document.h"
#include "api/routes.h"

namespace cadenza::api {

void RegisterSystemRoutes(http::Router& router, const ReadinessChecks& checks) {
  // Liveness: the process answers. Nothing else is consulted, so an orchestrator does not
  // restart a healthy process because its database is slow.
  router.AddPublic("GET", "/healthz", [](http::Request&) {
    return http::Response::Json(200, boost::json::object{{"status", "ok"}});
  });

  // Readiness: the dependencies a request needs are usable right now.
  router.AddPublic("GET", "/readyz", [checks](http::Request&) {
    bool database = checks.database();
    bool blob_store = checks.blob_store();
    boost::json::object body{{"database", database ? "ok" : "unavailable"},
                             {"blobStore", blob_store ? "ok" : "unavailable"}};
    boost::json::array roles;
    for (const std::string& role : checks.roles) roles.emplace_back(role);
    body["roles"] = std::move(roles);
    if (auto replicas = checks.replicas ? checks.replicas() : std::vector<Catalog::ReplicaStatus>();
        !replicas.empty()) {
      boost::json::array list;
      for (const Catalog::ReplicaStatus& replica : replicas) {
        boost::json::object item{{"url", replica.server}, {"usable", replica.usable}};
        item["lagMs"] = replica.lag_ms ? boost::json::value(*replica.lag_ms) : boost::json::value(nullptr);
        list.emplace_back(std::move(item));
      }
      body["replicas"] = std::move(list);
    }
    if (database && blob_store) {
      body["status"] = "ok";
      return http::Response::Json(200, body);
    }
    std::string detail = !database ? "the database is not usable" : "the blob store is not usable";
    return http::Response::Problem(503, detail, std::move(body));
  });

  router.AddPublic("GET", "/api/v1/openapi.json", [](http::Request&) {
    http::Response response = http::Response::Text(200, std::string(kOpenApiDocument), "application/json");
    response.SetHeader("Cache-Control", "no-cache");
    return response;
  });

  // The service index lives under the API prefix: GET / is the web app.
  router.AddPublic("GET", "/api/v1", [](http::Request&) {
    return http::Response::Json(200, boost::json::object{{"name", "Cadenza"},
                                                         {"api", "/api/v1"},
                                                         {"openapi", "/api/v1/openapi.json"}});
  });
}

}  // namespace cadenza::api
