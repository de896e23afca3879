#pragma once
// BlobStore on S3-compatible object storage (AWS S3, MinIO, Ceph RGW, Garage), over HTTP with
// requests signed by SigV4 (adapters/s3/sigv4.h).
//
// What it guarantees, on top of the port's contract:
// - Puts are atomic as S3 makes them: a single PUT or a completed multipart upload replaces the
//   object whole. A multipart upload that fails is aborted (best effort) so no parts linger.
// - Sources of known size up to `multipart_threshold` are streamed in one PUT without being
//   held in memory (unsigned payload); larger ones, and streams that do not end within their
//   first part, go up in parts of `part_size`, each held in memory and hashed, so each part
//   can be retried. A streamed single PUT is retried only if the failure came before its
//   first byte was read; an exception thrown by the source ends the put and propagates.
// - A reader pins the ETag seen at open: every ranged GET carries If-Match and its answer's
//   ETag is checked, so a blob replaced meanwhile fails the read as unavailable instead of
//   mixing versions.
// - Transient failures (connection errors, timeouts, 5xx, 429) are retried up to
//   `max_attempts` with exponential backoff and jitter, then reported as Error(kUnavailable)
//   with the reason (the S3 error code and message when there is one, never the secret key).
// - A missing object must answer 404, which S3 does only when the credentials may also list
//   the bucket (s3:ListBucket); without it a missing object is a 403, reported as unavailable.
// - Grants are pre-signed URLs to the bucket (absolute, at `public_endpoint` when set), living
//   at most `max_grant_lifetime`; read grants are quantized to `read_grant_period`.
//   A pre-signed PUT cannot state a size limit: a write grant's max_bytes is not enforced by
//   the URL, so whoever claims the upload must check the stored size (Stat) against it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ports/blob_store.h"
#include "ports/clock.h"

namespace cadenza {

struct S3Options {
  std::string bucket;
  std::string prefix;    // keys are stored under "<prefix>/<key>" when not empty (no leading/trailing '/')
  std::string endpoint;  // "http://127.0.0.1:9000", "https://s3.example.com"; empty = AWS (https://s3.<region>.amazonaws.com)
  std::string region = "us-east-1";
  bool path_style = false;  // true: <endpoint>/<bucket>/<key>; false: <bucket>.<endpoint host>/<key>
  std::string access_key_id;
  std::string secret_access_key;
  std::int64_t multipart_threshold = 64LL << 20;  // puts larger than this use multipart upload
  std::int64_t part_size = 16LL << 20;  // AWS wants at least 5 MiB for every part but the last
  // Per request: connecting, and a whole request without a large body; a request that moves
  // a body (a put, a ranged read) fails when no byte has moved for this long. Then retry.
  std::chrono::milliseconds timeout{30000};
  int max_attempts = 4;  // retries with exponential backoff + jitter on 5xx, 429, timeouts, connection errors
  std::chrono::seconds max_grant_lifetime{7 * 24 * 3600};  // SigV4 allows 1..604800 s
  // The base URL clients reach the store at when it is not `endpoint` (a CDN or edge that
  // passes requests on with their Host header); grants name it. Empty: `endpoint`.
  std::string public_endpoint;
  // Read grants are signed at the start of the current period and expire at the end of the
  // period in which the requested expiry falls, so every client asking within one period for
  // one key gets the same URL, which an edge can then cache whole. 0: signed at the moment.
  std::chrono::seconds read_grant_period{3600};
};

// Checks the bucket at once (HeadBucket): Error(kUnavailable) with a clear message when the
// endpoint is unreachable, the bucket is missing ("bucket X does not exist at ENDPOINT"), or the
// credentials are refused (403: "the S3 credentials were refused ..."), at start-up rather than
// at the first upload. Options that cannot work (no bucket, no credentials, an endpoint that is
// not an http(s) URL, a prefix that is not a valid blob key, sizes or lifetimes out of range)
// throw Error(kInvalidArgument).
std::unique_ptr<BlobStore> OpenS3BlobStore(const S3Options& options);

// The same, with grant expiries computed on `clock` (it must outlive the store). Requests to
// the store are always signed with the system time, which the server checks.
std::unique_ptr<BlobStore> OpenS3BlobStore(const S3Options& options, const Clock& clock);

}  // namespace cadenza
