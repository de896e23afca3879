#include "server_fixture.h"

#include <any>
#include <stdexcept>
#include <thread>

namespace cadenza::http::testing {

void ServerTest::SetUp() {
  spool_dir_ = temp_dir_ / "spool";
  kept_dir_ = temp_dir_ / "kept";
  std::filesystem::create_directories(spool_dir_);
  std::filesystem::create_directories(kept_dir_);

  Router& router = *router_;
  router.AddPublic("GET", "/hello", [](Request&) { return Response::Text(200, "hello"); });
  router.AddPublic("GET", "/items/{id}", [](Request& request) {
    boost::json::object body{{"id", request.Param("id")}, {"path", request.path}};
    if (auto q = request.Query("q")) body["q"] = *q;
    body["remote"] = request.remote_address;
    body["accept"] = request.Header("ACCEPT");
    return Response::Json(200, body);
  });
  RouteOptions echo_options;
  echo_options.max_body_bytes = 1024;
  router.AddPublic("POST", "/echo", [](Request& request) {
    return Response::Text(200, request.body, "application/octet-stream");
  }, echo_options);

  RouteOptions upload_options;
  upload_options.max_body_bytes = 8 << 20;
  upload_options.spool_body = true;
  upload_options.spool_dir = spool_dir_.string();
  router.AddPublic("PUT", "/upload", [this](Request& request) {
    ++upload_calls_;
    std::lock_guard lock(seen_mutex_);
    seen_file_ = request.body_file.value_or("");
    seen_size_ = request.body_size;
    seen_body_ = request.body_file ? ReadFile(*request.body_file) : "<no file>";
    if (request.Header("x-fail") == "domain") throw Conflict("upload already claimed");
    return Response::Json(200, boost::json::object{{"size", request.body_size}});
  }, upload_options);
  router.AddPublic("PUT", "/upload-keep", [this](Request& request) {
    std::filesystem::rename(*request.body_file, kept_dir_ / "kept.bin");
    return Response::Empty(201);
  }, upload_options);

  RouteOptions limited_options;
  limited_options.max_body_bytes = 1 << 20;
  limited_options.before_body = [](const Request& head, std::int64_t& max_body_bytes) {
    if (!head.Header("x-deny").empty()) throw PermissionDenied("upload signature is invalid");
    max_body_bytes = 10;
    return std::any(std::string("checked before the body"));
  };
  router.AddPublic("PUT", "/limited", [](Request& request) {
    Response response = Response::Text(200, request.body);
    // What before_body returned reaches the handler.
    const auto* admission = std::any_cast<std::string>(&request.admission);
    response.SetHeader("X-Admission", admission != nullptr ? *admission : "<none>");
    return response;
  }, limited_options);

  router.AddPublic("GET", "/stream", [this](Request&) {
    Response response;
    response.headers.emplace_back("Content-Type", "audio/mpeg");
    response.stream = std::make_shared<MemorySource>(stream_bytes_);
    return response;
  });
  router.AddPublic("GET", "/fail/{kind}", [](Request& request) -> Response {
    const std::string& kind = request.Param("kind");
    if (kind == "notfound") throw NotFound("no such album");
    if (kind == "field") throw InvalidArgument("title", "title must not be empty");
    if (kind == "auth") throw Unauthenticated("missing bearer token");
    if (kind == "status") return Response::Empty(1234);
    throw std::runtime_error("secret database detail");
  });
  router.AddPublic("GET", "/slow", [this](Request&) {
    slow_entered_.set_value();
    slow_release_future_.wait();
    return Response::Text(200, "finally");
  });
}

void ServerTest::StartServer(ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.worker_threads = 2;
  options.shutdown_grace = std::chrono::seconds(60);
  server_ = std::make_unique<Server>(options, router_);
  server_->Start();
  ASSERT_NE(server_->port(), 0);
}

void ServerTest::TearDown() {
  if (server_) server_->Stop();
  server_.reset();
}

}  // namespace cadenza::http::testing
