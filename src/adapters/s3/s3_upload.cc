#include "adapters/s3/s3_upload.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "adapters/s3/s3_xml.h"

namespace cadenza::s3 {
namespace {

constexpr std::int64_t kMaxParts = 10000;

// Up to `limit` bytes of the source, fewer only at its end.
std::string ReadPart(BlobSource& source, std::int64_t limit) {
  std::string part(static_cast<std::size_t>(limit), '\0');
  std::size_t filled = 0;
  while (filled < part.size()) {
    const std::size_t n = source.Read(part.data() + filled, part.size() - filled);
    if (n == 0) break;
    filled += n;
  }
  part.resize(filled);
  return part;
}

Timestamp NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

BlobInfo CheckedPut(const S3Client& client, const S3Call& call, std::int64_t size,
                    std::string_view object_name) {
  const std::string what = "S3 PUT " + std::string(object_name);
  HttpResponse response = client.Send(call, what);
  if (response.status != 200) throw client.Failure(what, response);
  return InfoFromHeaders(response, size);
}

BlobInfo PutStreamed(const S3Client& client, std::string_view object_name, BlobSource& source,
                     std::int64_t size) {
  S3Call call;
  call.method = "PUT";
  call.path = client.location().ObjectPath(object_name);
  call.stream = [&source](char* out, std::size_t n) { return source.Read(out, n); };
  call.stream_size = size;
  call.moves_body = true;
  return CheckedPut(client, call, size, object_name);
}

BlobInfo PutBuffered(const S3Client& client, std::string_view object_name, std::string_view bytes) {
  S3Call call;
  call.method = "PUT";
  call.path = client.location().ObjectPath(object_name);
  call.body = bytes;
  call.moves_body = true;
  return CheckedPut(client, call, static_cast<std::int64_t>(bytes.size()), object_name);
}

std::string StartUpload(const S3Client& client, const std::string& path, std::string_view what) {
  S3Call call;
  call.method = "POST";
  call.path = path;
  call.query = {{"uploads", ""}};
  HttpResponse response = client.Send(call, what);
  if (response.status != 200) throw client.Failure(what, response);
  return ParseUploadId(response.body);
}

std::string UploadPart(const S3Client& client, const std::string& path, const std::string& id,
                       std::int64_t number, std::string_view bytes, std::string_view what) {
  S3Call call;
  call.method = "PUT";
  call.path = path;
  call.query = {{"partNumber", std::to_string(number)}, {"uploadId", id}};
  call.body = bytes;
  call.moves_body = true;
  HttpResponse response = client.Send(call, what);
  if (response.status != 200) throw client.Failure(what, response);
  std::string etag = response.Header("etag");
  if (etag.empty()) throw Error(ErrorCode::kUnavailable, std::string(what) + ": no ETag for a part");
  return etag;
}

// Best effort: an upload left behind costs storage, not correctness (a bucket lifecycle rule
// for incomplete uploads cleans up what this cannot).
void AbortUpload(const S3Client& client, const std::string& path, const std::string& id) {
  S3Call call;
  call.method = "DELETE";
  call.path = path;
  call.query = {{"uploadId", id}};
  try {
    client.Send(call, "S3 abort multipart upload");
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): best effort, see above
  }
}

BlobInfo PutMultipart(const S3Client& client, std::string_view object_name, BlobSource& source,
                      std::string first_part, std::int64_t part_size) {
  const std::string path = client.location().ObjectPath(object_name);
  const std::string what = "S3 multipart upload of " + std::string(object_name);
  const std::string id = StartUpload(client, path, what);
  try {
    std::vector<std::string> etags;
    std::int64_t total = 0;
    std::string part = std::move(first_part);
    for (std::int64_t number = 1; !part.empty() || number == 1; ++number) {
      if (number > kMaxParts) throw Error(ErrorCode::kUnavailable, what + ": more than 10000 parts");
      etags.push_back(UploadPart(client, path, id, number, part, what));
      total += static_cast<std::int64_t>(part.size());
      part = ReadPart(source, part_size);
    }
    S3Call complete;
    complete.method = "POST";
    complete.path = path;
    complete.query = {{"uploadId", id}};
    const std::string body = CompleteMultipartBody(etags);
    complete.body = body;
    complete.headers = {{"Content-Type", "application/xml"}};
    HttpResponse response = client.Send(complete, what);
    if (response.status != 200) throw client.Failure(what, response);
    BlobInfo info = InfoFromHeaders(response, total);
    info.version = ParseCompletedETag(response.body);
    return info;
  } catch (...) {
    AbortUpload(client, path, id);
    throw;
  }
}

}  // namespace

BlobInfo InfoFromHeaders(const HttpResponse& response, std::int64_t size) {
  BlobInfo info;
  info.size = size;
  info.version = UnquoteETag(response.Header("etag"));
  std::optional<Timestamp> at = ParseHttpDate(response.Header("last-modified"));
  if (!at) at = ParseHttpDate(response.Header("date"));
  info.modified_at = at.value_or(NowMillis());
  return info;
}

BlobInfo PutObject(const S3Client& client, std::string_view object_name, BlobSource& source) {
  const S3Options& options = client.options();
  const std::optional<std::int64_t> size = source.size();
  if (size && *size <= options.multipart_threshold) {
    return PutStreamed(client, object_name, source, *size);
  }
  std::int64_t part_size = options.part_size;
  if (size) part_size = std::max(part_size, (*size + kMaxParts - 1) / kMaxParts);
  std::string first = ReadPart(source, part_size);
  if (!size && static_cast<std::int64_t>(first.size()) < part_size) {
    return PutBuffered(client, object_name, first);
  }
  return PutMultipart(client, object_name, source, std::move(first), part_size);
}

}  // namespace cadenza::s3
