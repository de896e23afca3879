#include "adapters/s3/s3_reader.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "adapters/s3/s3_xml.h"

namespace cadenza::s3 {
namespace {

constexpr std::size_t kReadAhead = 256u << 10;

}  // namespace

S3BlobReader::S3BlobReader(std::shared_ptr<const S3Client> client, std::string object_name,
                           std::int64_t size, std::string etag)
    : client_(std::move(client)),
      object_name_(std::move(object_name)),
      size_(size),
      etag_(std::move(etag)) {}

std::size_t S3BlobReader::ReadAt(std::int64_t offset, char* out, std::size_t n) {
  if (offset < 0) throw std::invalid_argument("negative offset");
  if (offset >= size_ || n == 0) return 0;
  n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(n), size_ - offset));
  MutexLock lock(mutex_);
  const std::int64_t window_end = window_offset_ + static_cast<std::int64_t>(window_.size());
  if (offset >= window_offset_ && offset + static_cast<std::int64_t>(n) <= window_end) {
    std::memcpy(out, window_.data() + (offset - window_offset_), n);
    return n;
  }
  if (n >= kReadAhead) return Fetch(offset, n, out);
  const auto length = static_cast<std::size_t>(
      std::min<std::int64_t>(static_cast<std::int64_t>(kReadAhead), size_ - offset));
  window_.assign(length, '\0');
  window_offset_ = offset;
  window_.resize(Fetch(offset, length, window_.data()));
  const std::size_t count = std::min(n, window_.size());
  std::memcpy(out, window_.data(), count);
  return count;
}

std::size_t S3BlobReader::Fetch(std::int64_t offset, std::size_t length, char* out) const {
  const std::string what = "S3 GET " + object_name_;
  S3Call call;
  call.method = "GET";
  call.path = client_->location().ObjectPath(object_name_);
  call.headers = {
      {"Range", "bytes=" + std::to_string(offset) + "-" +
                    std::to_string(offset + static_cast<std::int64_t>(length) - 1)},
      {"If-Match", "\"" + etag_ + "\""}};
  call.sink = out;
  call.sink_capacity = length;
  call.moves_body = true;
  HttpResponse response = client_->Send(call, what);
  if (response.status == 412 || response.status == 404) {
    throw Error::Unavailable(s3::kStoreUnavailable,
                             what + ": the blob was replaced or removed since it was opened");
  }
  if (response.status != 206 && !(response.status == 200 && offset == 0)) {
    throw client_->Failure(what, response);
  }
  // Stores that ignore If-Match still name the version they sent.
  if (UnquoteETag(response.Header("etag")) != etag_) {
    throw Error(ErrorCode::kUnavailable, what + ": the blob was replaced since it was opened");
  }
  return response.sink_used;
}

}  // namespace cadenza::s3
