#include "adapters/s3/curl_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "base/mutex.h"

namespace cadenza::s3 {
namespace {

// Larger bodies are not ours to keep: XML answers are far smaller.
constexpr std::size_t kMaxBodyBytes = 16u << 20;
constexpr std::size_t kMaxIdleHandles = 16;

// Idle easy handles keep their connections open for the next request.
class HandlePool {
 public:
  ~HandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }
  CURL* Take() {
    {
      MutexLock lock(mutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Give(CURL* handle) {
    curl_easy_reset(handle);
    MutexLock lock(mutex_);
    if (idle_.size() < kMaxIdleHandles) {
      idle_.push_back(handle);
      return;
    }
    curl_easy_cleanup(handle);
  }

 private:
  Mutex mutex_;
  std::vector<CURL*> idle_ GUARDED_BY(mutex_);
};

HandlePool& Pool() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  static HandlePool pool;
  return pool;
}

struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  CURL* handle = nullptr;
  std::int64_t body_left = 0;
  std::size_t memory_offset = 0;
  std::exception_ptr reader_error;
};

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue): start over
    exchange->response.headers.clear();
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())) != 0) {
    value.remove_suffix(1);
  }
  exchange->response.headers[name] = std::string(value);
  return size * count;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(exchange->handle, CURLINFO_RESPONSE_CODE, &status);
  const HttpRequest& request = *exchange->request;
  HttpResponse& response = exchange->response;
  if (request.sink != nullptr && status >= 200 && status < 300) {
    const std::size_t room = request.sink_capacity - response.sink_used;
    const std::size_t take = std::min(room, n);
    std::memcpy(request.sink + response.sink_used, data, take);
    response.sink_used += take;
    return n;
  }
  const std::size_t take = std::min(n, kMaxBodyBytes - std::min(kMaxBodyBytes, response.body.size()));
  response.body.append(data, take);
  return n;
}

std::size_t OnRead(char* out, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const HttpRequest& request = *exchange->request;
  std::size_t want = std::min<std::int64_t>(static_cast<std::int64_t>(size * count),
                                            exchange->body_left);
  if (want == 0) return 0;
  if (!request.body_reader) {
    std::memcpy(out, request.body.data() + exchange->memory_offset, want);
    exchange->memory_offset += want;
    exchange->body_left -= static_cast<std::int64_t>(want);
    return want;
  }
  try {
    const std::size_t got = request.body_reader(out, want);
    if (got == 0) throw std::runtime_error("the blob source ended before its stated size");
    exchange->body_left -= static_cast<std::int64_t>(got);
    return got;
  } catch (...) {
    exchange->reader_error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

curl_slist* Configure(CURL* handle, Exchange& exchange) {
  const HttpRequest& request = *exchange.request;
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
  const long timeout_ms = static_cast<long>(request.timeout.count());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  if (request.whole_request_timeout) {
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
  } else {
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, std::max(1L, timeout_ms / 1000));
  }
  const bool has_body = request.body_reader || !request.body.empty() ||
                        request.method == "PUT" || request.method == "POST";
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    exchange.body_left = request.body_reader ? request.body_size
                                             : static_cast<std::int64_t>(request.body.size());
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(exchange.body_left));
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
    if (request.method != "PUT") {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else if (request.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    list = curl_slist_append(list, line.c_str());
  }
  // A streamed body can be read only once: asking first (100-continue) lets a server refuse
  // it (503 SlowDown, 403) before any byte is read, so that the request can still be retried.
  // Bodies in memory are simply resent and skip the round trip.
  list = curl_slist_append(list, request.body_reader ? "Expect: 100-continue" : "Expect:");
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
  return list;
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse PerformHttp(const HttpRequest& request) {
  HandlePool& pool = Pool();
  std::unique_ptr<CURL, void (*)(CURL*)> handle(pool.Take(), [](CURL* h) { Pool().Give(h); });
  if (!handle) throw TransportError("curl_easy_init failed");
  Exchange exchange;
  exchange.request = &request;
  exchange.handle = handle.get();
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(Configure(handle.get(), exchange),
                                                              &curl_slist_free_all);
  const CURLcode code = curl_easy_perform(handle.get());
  if (exchange.reader_error) std::rethrow_exception(exchange.reader_error);
  if (code != CURLE_OK) throw TransportError(curl_easy_strerror(code));
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &exchange.response.status);
  return std::move(exchange.response);
}

}  // namespace cadenza::s3
