#include "adapters/s3/s3_client.h"

#include <algorithm>
#include <random>
#include <thread>

#include "adapters/s3/s3_crypto.h"
#include "adapters/s3/s3_xml.h"

namespace cadenza::s3 {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

bool Retryable(long status) { return status >= 500 || status == 429; }

std::int64_t NowSeconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Half the exponential delay plus a random share of the other half: clients that failed
// together do not come back together.
void Backoff(int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto exponential =
      std::min<std::chrono::milliseconds>(kMaxBackoff, kFirstBackoff * (1LL << std::min(attempt, 10)));
  std::uniform_int_distribution<long long> jitter(0, exponential.count() / 2);
  std::this_thread::sleep_for(exponential / 2 + std::chrono::milliseconds(jitter(random)));
}

}  // namespace

S3Client::S3Client(const S3Options& options)
    : options_(options),
      location_(options),
      credentials_{options.access_key_id, options.secret_access_key, options.region, "s3"} {}

HttpRequest S3Client::Build(const S3Call& call) const {
  HttpRequest request;
  request.method = call.method;
  const std::string query = CanonicalQuery(call.query);
  request.url = location_.Url(call.path, query);
  HeaderList headers = call.headers;
  headers.emplace_back("host", location_.host());
  const std::string payload_hash =
      call.stream ? std::string(kUnsignedPayload)
                  : (call.body.empty() ? std::string(kEmptyPayloadHash) : Sha256Hex(call.body));
  const std::string authorization = SignHeaders(credentials_, call.method, call.path, call.query,
                                                headers, payload_hash, NowSeconds());
  headers.emplace_back("Authorization", authorization);
  request.headers = std::move(headers);
  request.body = call.body;
  request.body_reader = call.stream;
  request.body_size = call.stream_size;
  request.sink = call.sink;
  request.sink_capacity = call.sink_capacity;
  request.timeout = options_.timeout;
  request.whole_request_timeout = !call.moves_body;
  return request;
}

HttpResponse S3Client::Send(const S3Call& call, std::string_view what) const {
  const int attempts = std::max(1, call.max_attempts > 0 ? call.max_attempts : options_.max_attempts);
  // A streamed body can be sent again only if none of it was read.
  bool stream_touched = false;
  S3Call sent = call;
  if (call.stream) {
    sent.stream = [&stream_touched, &call](char* out, std::size_t n) {
      stream_touched = true;
      return call.stream(out, n);
    };
  }
  std::string last_failure;
  for (int attempt = 1;; ++attempt) {
    try {
      HttpResponse response = PerformHttp(Build(sent));
      if (!Retryable(response.status)) return response;
      last_failure = Failure(what, response).what();
    } catch (const TransportError& e) {
      last_failure = std::string(what) + ": " + e.what() + " (" + location_.endpoint() + ")";
    }
    if (attempt >= attempts || stream_touched) break;
    Backoff(attempt);
  }
  throw Error::Unavailable(kStoreUnavailable,
                           last_failure + (attempts > 1 && !stream_touched
                                               ? " after " + std::to_string(attempts) + " attempts"
                                               : ""));
}

Error S3Client::Failure(std::string_view what, const HttpResponse& response) const {
  std::string message = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (std::optional<S3ErrorBody> error = ParseErrorBody(response.body)) {
    message += " " + error->code;
    if (!error->message.empty()) message += ": " + error->message;
  }
  return Error::Unavailable(kStoreUnavailable, message);
}

}  // namespace cadenza::s3
