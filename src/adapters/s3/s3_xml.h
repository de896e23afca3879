#pragma once
// The XML documents of the S3 API, read with Boost.PropertyTree, and the two date formats of
// its answers. Malformed documents throw Error(kUnavailable).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.h"

namespace cadenza::s3 {

struct S3ErrorBody {
  std::string code;     // "NoSuchBucket"
  std::string message;  // "The specified bucket does not exist"
};

// The <Error> document of a failed request; nullopt when `xml` is not one.
std::optional<S3ErrorBody> ParseErrorBody(std::string_view xml);

struct ListedObject {
  std::string name;  // the object name, store prefix included
  std::int64_t size = 0;
  Timestamp modified_at = 0;
  std::string etag;  // without quotes
};

struct ListPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
};

// A ListObjectsV2 answer (<ListBucketResult>).
ListPage ParseListObjectsV2(std::string_view xml);

// The UploadId of an <InitiateMultipartUploadResult>.
std::string ParseUploadId(std::string_view xml);

// The ETag (without quotes) of a <CompleteMultipartUploadResult>. S3 may answer 200 with an
// <Error> document instead: that throws Error(kUnavailable) with its code and message.
std::string ParseCompletedETag(std::string_view xml);

// "Key: Code Message" for each <Error> of a <DeleteResult>; empty when all were deleted.
std::vector<std::string> ParseDeleteErrors(std::string_view xml);

// The <Delete> request body for these object names, quiet (only failures are reported).
std::string DeleteObjectsBody(const std::vector<std::string>& names);

// The <CompleteMultipartUpload> body; `etags[i]` is part i + 1's ETag as S3 returned it.
std::string CompleteMultipartBody(const std::vector<std::string>& etags);

// "2009-10-12T17:50:30.000Z" (ISO 8601, UTC) and "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 7231)
// to milliseconds since the epoch; nullopt when the text is neither.
std::optional<Timestamp> ParseIsoTime(std::string_view text);
std::optional<Timestamp> ParseHttpDate(std::string_view text);

// An ETag without its quotes (and without a weak "W/" marker).
std::string UnquoteETag(std::string_view etag);

}  // namespace cadenza::s3
