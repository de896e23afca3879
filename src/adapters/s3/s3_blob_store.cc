#include "adapters/s3/s3_blob_store.h"

#include <algorithm>
#include <memory>

#include "adapters/s3/s3_client.h"
#include "adapters/s3/s3_crypto.h"
#include "adapters/s3/s3_reader.h"
#include "adapters/s3/s3_upload.h"
#include "adapters/s3/s3_xml.h"
#include "domain/error.h"

namespace cadenza {
namespace {

using s3::HttpResponse;
using s3::S3Call;
using s3::S3Client;

constexpr int kMaxKeysPerRequest = 1000;  // S3's cap for listings and DeleteObjects

void CheckKey(std::string_view key) {
  if (!IsValidBlobKey(key)) throw Error(ErrorCode::kInvalidArgument, "invalid blob key");
}

// A prefix of the port: a valid key followed by '/'.
bool IsValidPrefix(std::string_view prefix) {
  return prefix.size() >= 2 && prefix.back() == '/' &&
         IsValidBlobKey(prefix.substr(0, prefix.size() - 1));
}

void CheckOptions(const S3Options& options) {
  auto refuse = [](const char* field, const std::string& message) {
    throw InvalidArgument(field, message);
  };
  if (options.bucket.empty()) refuse("bucket", "the S3 bucket is not set");
  if (options.region.empty()) refuse("region", "the S3 region is not set");
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    refuse("access_key_id", "the S3 access key id and secret access key must both be set");
  }
  if (!options.prefix.empty() && !IsValidBlobKey(options.prefix)) {
    refuse("prefix", "the S3 key prefix must be a valid blob key, without leading or trailing '/'");
  }
  if (options.part_size < 1 || options.multipart_threshold < 0) {
    refuse("part_size", "the S3 part size must be positive and the threshold not negative");
  }
  if (options.read_grant_period.count() < 0 ||
      options.read_grant_period > options.max_grant_lifetime / 2) {
    refuse("read_grant_period", "the read grant period must be 0 or at most half the grant lifetime");
  }
  if (options.max_attempts < 1) refuse("max_attempts", "max_attempts must be at least 1");
  if (options.timeout.count() < 1) refuse("timeout", "the S3 timeout must be positive");
  if (options.max_grant_lifetime.count() < 1 || options.max_grant_lifetime.count() > 604800) {
    refuse("max_grant_lifetime", "SigV4 URLs live 1 to 604800 seconds");
  }
}

S3Options PublicOptions(S3Options options) {
  if (!options.public_endpoint.empty()) options.endpoint = options.public_endpoint;
  return options;
}

class S3BlobStore final : public BlobStore {
 public:
  S3BlobStore(const S3Options& options, const Clock& clock)
      : client_ptr_(std::make_shared<const S3Client>(options)),
        client_(*client_ptr_),
        public_location_(PublicOptions(options)),
        clock_(clock) {}

  void CheckBucket() const;

  BlobInfo PutFrom(std::string_view key, BlobSource& source) override {
    CheckKey(key);
    return s3::PutObject(client_, client_.location().ObjectName(key), source);
  }

  std::optional<BlobInfo> Stat(std::string_view key) override {
    CheckKey(key);
    return Head(client_.location().ObjectName(key));
  }

  std::unique_ptr<BlobReader> Open(std::string_view key) override {
    CheckKey(key);
    std::string name = client_.location().ObjectName(key);
    std::optional<BlobInfo> info = Head(name);
    if (!info) return nullptr;
    return std::make_unique<s3::S3BlobReader>(client_ptr_, std::move(name), info->size,
                                              info->version);
  }

  BlobListing List(std::string_view prefix, std::string_view after, int limit) override;

  void Remove(std::string_view key) override {
    CheckKey(key);
    const std::string name = client_.location().ObjectName(key);
    S3Call call;
    call.method = "DELETE";
    call.path = client_.location().ObjectPath(name);
    const std::string what = "S3 DELETE " + name;
    HttpResponse response = client_.Send(call, what);
    if (response.status != 204 && response.status != 200 && response.status != 404) {
      throw client_.Failure(what, response);
    }
  }

  void RemovePrefix(std::string_view prefix) override;
  BlobGrant Grant(const BlobGrantRequest& request) override;

  // Clients put and get bytes at the bucket itself, through the grants.
  bool ServesClientsDirectly() const override { return true; }

  bool Healthy() override {
    try {
      return HeadBucket(1).status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  std::optional<BlobInfo> Head(const std::string& name) const {
    S3Call call;
    call.method = "HEAD";
    call.path = client_.location().ObjectPath(name);
    const std::string what = "S3 HEAD " + name;
    HttpResponse response = client_.Send(call, what);
    if (response.status == 404) return std::nullopt;
    if (response.status != 200) throw client_.Failure(what, response);
    return s3::InfoFromHeaders(response, std::stoll("0" + response.Header("content-length")));
  }

  HttpResponse HeadBucket(int attempts) const {
    S3Call call;
    call.method = "HEAD";
    call.path = client_.location().BucketPath();
    call.max_attempts = attempts;
    return client_.Send(call, "S3 HeadBucket " + client_.options().bucket);
  }

  // One ListObjectsV2 request for object names starting with `name_prefix`.
  s3::ListPage ListObjects(const std::string& name_prefix, const std::string& start_after,
                           int max_keys) const;

  // Shared with the readers, which may outlive the store.
  const std::shared_ptr<const S3Client> client_ptr_;
  const S3Client& client_;
  const s3::S3Location public_location_;  // where grants send clients
  const Clock& clock_;
};

void S3BlobStore::CheckBucket() const {
  const std::string& bucket = client_.options().bucket;
  const std::string& endpoint = client_.location().endpoint();
  HttpResponse response;
  try {
    response = HeadBucket(0);
  } catch (const Error& e) {
    throw Error(ErrorCode::kUnavailable,
                "cannot reach the S3 endpoint " + endpoint + " (" + e.what() + ")");
  }
  switch (response.status) {
    case 200:
      return;
    case 404:
      throw Error(ErrorCode::kUnavailable, "bucket " + bucket + " does not exist at " + endpoint);
    case 403:
      throw Error(ErrorCode::kUnavailable,
                  "the S3 credentials were refused by " + endpoint + " for bucket " + bucket +
                      " (access key id " + client_.options().access_key_id + ")");
    case 301:
    case 400: {
      const std::string region = response.Header("x-amz-bucket-region");
      if (!region.empty() && region != client_.options().region) {
        throw Error(ErrorCode::kUnavailable, "bucket " + bucket + " is in region " + region +
                                                 ", not " + client_.options().region);
      }
      [[fallthrough]];
    }
    default:
      throw client_.Failure("S3 HeadBucket " + bucket + " at " + endpoint, response);
  }
}

s3::ListPage S3BlobStore::ListObjects(const std::string& name_prefix,
                                      const std::string& start_after, int max_keys) const {
  S3Call call;
  call.method = "GET";
  call.path = client_.location().BucketPath();
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!name_prefix.empty()) call.query.emplace_back("prefix", name_prefix);
  if (!start_after.empty()) call.query.emplace_back("start-after", start_after);
  const std::string what = "S3 ListObjectsV2 " + name_prefix;
  HttpResponse response = client_.Send(call, what);
  if (response.status != 200) throw client_.Failure(what, response);
  return s3::ParseListObjectsV2(response.body);
}

BlobListing S3BlobStore::List(std::string_view prefix, std::string_view after, int limit) {
  if (!prefix.empty() && !IsValidPrefix(prefix)) {
    throw Error(ErrorCode::kInvalidArgument, "invalid blob key prefix");
  }
  if (limit < 1) throw Error(ErrorCode::kInvalidArgument, "the listing limit must be positive");
  const std::string& store_prefix = client_.location().key_prefix();
  const std::string start_after = after.empty() ? std::string() : store_prefix + std::string(after);
  s3::ListPage page = ListObjects(store_prefix + std::string(prefix), start_after,
                                  std::min(limit, kMaxKeysPerRequest));
  BlobListing listing;
  std::string last;
  for (s3::ListedObject& object : page.objects) {
    if (object.name.compare(0, store_prefix.size(), store_prefix) != 0) continue;
    last = object.name.substr(store_prefix.size());
    if (!IsValidBlobKey(last)) continue;  // an object Cadenza did not write
    listing.blobs.push_back({last, BlobInfo{object.size, object.modified_at, object.etag}});
  }
  if (page.truncated && !last.empty()) listing.next_after = last;
  return listing;
}

void S3BlobStore::RemovePrefix(std::string_view prefix) {
  if (!IsValidPrefix(prefix)) throw Error(ErrorCode::kInvalidArgument, "invalid blob key prefix");
  const std::string name_prefix = client_.location().ObjectName(prefix);
  std::string start_after;
  for (;;) {
    s3::ListPage page = ListObjects(name_prefix, start_after, kMaxKeysPerRequest);
    if (page.objects.empty()) return;
    std::vector<std::string> names;
    for (const s3::ListedObject& object : page.objects) names.push_back(object.name);
    start_after = names.back();
    const std::string body = s3::DeleteObjectsBody(names);
    S3Call call;
    call.method = "POST";
    call.path = client_.location().BucketPath();
    call.query = {{"delete", ""}};
    call.headers = {{"Content-MD5", s3::Md5Base64(body)}, {"Content-Type", "application/xml"}};
    call.body = body;
    const std::string what = "S3 DeleteObjects under " + name_prefix;
    HttpResponse response = client_.Send(call, what);
    if (response.status != 200) throw client_.Failure(what, response);
    std::vector<std::string> failures = s3::ParseDeleteErrors(response.body);
    if (!failures.empty()) {
      throw Error::Unavailable(s3::kStoreUnavailable, what + ": " + std::to_string(failures.size()) +
                                                          " not deleted, first " + failures.front());
    }
    if (!page.truncated) return;
  }
}

BlobGrant S3BlobStore::Grant(const BlobGrantRequest& request) {
  CheckKey(request.key);
  const std::int64_t now_seconds = clock_.Now() / 1000;
  std::int64_t signed_at = now_seconds;
  std::int64_t expires = request.expires_at / 1000;
  const std::int64_t period = client_.options().read_grant_period.count();
  if (request.access == BlobAccess::kRead && period > 0) {
    signed_at = now_seconds - now_seconds % period;
    expires = (expires + period - 1) / period * period;
  }
  const std::int64_t lifetime =
      std::clamp<std::int64_t>(expires - signed_at, 1, client_.options().max_grant_lifetime.count());
  BlobGrant grant;
  grant.access = request.access;
  grant.method = std::string(GrantMethod(request.access));
  // The bucket answers the client directly: these headers are part of the signed URL.
  s3::QueryParams overrides;
  if (request.access == BlobAccess::kRead) {
    if (!request.cache_control.empty()) {
      overrides.emplace_back("response-cache-control", request.cache_control);
    }
    if (!request.content_type.empty()) {
      overrides.emplace_back("response-content-type", request.content_type);
    }
  }
  grant.url = s3::PresignedObjectUrl(public_location_, client_.credentials(), grant.method,
                                     client_.location().ObjectName(request.key), overrides,
                                     signed_at, lifetime);
  grant.expires_at = (signed_at + lifetime) * 1000;
  grant.max_bytes = request.access == BlobAccess::kWrite ? request.max_bytes : 0;
  return grant;
}

}  // namespace

std::unique_ptr<BlobStore> OpenS3BlobStore(const S3Options& options, const Clock& clock) {
  CheckOptions(options);
  auto store = std::make_unique<S3BlobStore>(options, clock);
  store->CheckBucket();
  return store;
}

std::unique_ptr<BlobStore> OpenS3BlobStore(const S3Options& options) {
  static const SystemClock kSystemClock;
  return OpenS3BlobStore(options, kSystemClock);
}

}  // namespace cadenza
