#pragma once
// PutFrom on S3: one streamed PUT, or a multipart upload (see s3_blob_store.h for the rules).
#include <string_view>

#include "adapters/s3/s3_client.h"
#include "ports/blob_store.h"

namespace cadenza::s3 {

// Stores the bytes of `source` as the object `object_name` and returns what S3 reported.
// Throws Error(kUnavailable) when S3 fails, and rethrows what the source throws; a failed
// multipart upload is aborted first.
BlobInfo PutObject(const S3Client& client, std::string_view object_name, BlobSource& source);

// Size, Last-Modified (or Date) and ETag of an answer about an object of `size` bytes.
BlobInfo InfoFromHeaders(const HttpResponse& response, std::int64_t size);

}  // namespace cadenza::s3
