#pragma once
// BlobStore implementations for tests: a map in memory, and a wrapper that makes chosen
// operations of another store fail. Both pass the BlobStore conformance suite
// (tests/unit/blob_store/).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "domain/blob_key.h"
#include "domain/error.h"
#include "ports/blob_store.h"
#include "ports/clock.h"

namespace cadenza::test_support {

// How an InMemoryBlobStore hands out URLs.
enum class GrantStyle {
  kMemory,  // "memory://<key>?..." URLs that nothing serves; not a direct store
  // A store that serves clients itself (ServesClientsDirectly): absolute pre-signed URLs
  // "https://bucket.test/<key>?X-Amz-Expires=<s>&X-Amz-Signature=<hex>" with a deterministic
  // fake signature, lifetimes capped at kDirectGrantCap as S3 caps them, and write grants
  // that cannot enforce max_bytes (PutFrom takes any size). A read grant's cache_control and
  // content_type follow as S3's "&response-cache-control=...&response-content-type=..."
  // (percent-encoded), so tests see what the bucket would answer with.
  kDirect,
};

// Blobs in a map. Thread-safe.
class InMemoryBlobStore final : public BlobStore {
 public:
  static constexpr std::string_view kDirectOrigin = "https://bucket.test/";
  static constexpr Timestamp kDirectGrantCap = 7LL * 24 * 3600 * 1000;  // S3's seven days

  explicit InMemoryBlobStore(const Clock& clock, GrantStyle style = GrantStyle::kMemory)
      : clock_(clock), style_(style) {}

  bool ServesClientsDirectly() const override { return style_ == GrantStyle::kDirect; }

  BlobInfo PutFrom(std::string_view key, BlobSource& source) override {
    CheckKey(key);
    auto bytes = std::make_shared<std::string>();
    char buffer[4096];
    for (std::size_t n; (n = source.Read(buffer, sizeof buffer)) > 0;) bytes->append(buffer, n);
    std::lock_guard lock(mutex_);
    Entry entry{bytes, Info(*bytes)};
    blobs_[std::string(key)] = entry;
    return entry.info;
  }

  std::optional<BlobInfo> Stat(std::string_view key) override {
    CheckKey(key);
    std::lock_guard lock(mutex_);
    auto it = blobs_.find(std::string(key));
    if (it == blobs_.end()) return std::nullopt;
    return it->second.info;
  }

  std::unique_ptr<BlobReader> Open(std::string_view key) override {
    CheckKey(key);
    std::lock_guard lock(mutex_);
    auto it = blobs_.find(std::string(key));
    if (it == blobs_.end()) return nullptr;
    return std::make_unique<Reader>(it->second.bytes);  // shares this version's bytes
  }

  BlobListing List(std::string_view prefix, std::string_view after, int limit) override {
    if (limit <= 0) throw std::invalid_argument("BlobStore::List: limit must be positive");
    if (!prefix.empty()) CheckPrefix(prefix);
    std::lock_guard lock(mutex_);
    BlobListing listing;
    for (auto it = blobs_.upper_bound(std::string(after)); it != blobs_.end(); ++it) {
      if (!it->first.starts_with(prefix)) continue;
      if (listing.blobs.size() == static_cast<std::size_t>(limit)) {
        listing.next_after = listing.blobs.back().key;
        break;
      }
      listing.blobs.push_back(ListedBlob{it->first, it->second.info});
    }
    return listing;
  }

  void Remove(std::string_view key) override {
    CheckKey(key);
    std::lock_guard lock(mutex_);
    blobs_.erase(std::string(key));
  }

  void RemovePrefix(std::string_view prefix) override {
    CheckPrefix(prefix);
    std::lock_guard lock(mutex_);
    std::erase_if(blobs_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
  }

  BlobGrant Grant(const BlobGrantRequest& request) override {
    CheckKey(request.key);
    BlobGrant grant;
    grant.access = request.access;
    grant.method = std::string(GrantMethod(request.access));
    grant.expires_at = request.expires_at;
    grant.max_bytes = request.access == BlobAccess::kWrite ? request.max_bytes : 0;
    if (style_ == GrantStyle::kDirect) {
      const Timestamp now = clock_.Now();
      grant.expires_at = std::min(request.expires_at, now + kDirectGrantCap);
      const std::string seconds =
          std::to_string(std::max<Timestamp>(0, grant.expires_at - now) / 1000);
      char signature[17];
      std::snprintf(signature, sizeof signature, "%016zx",
                    std::hash<std::string>{}(grant.method + "\n" + request.key + "\n" +
                                             std::to_string(grant.expires_at)));
      grant.url = std::string(kDirectOrigin) + request.key + "?X-Amz-Expires=" + seconds +
                  "&X-Amz-Signature=" + signature;
      if (request.access == BlobAccess::kRead) {
        if (!request.cache_control.empty()) {
          grant.url += "&response-cache-control=" + Encode(request.cache_control);
        }
        if (!request.content_type.empty()) {
          grant.url += "&response-content-type=" + Encode(request.content_type);
        }
      }
      return grant;
    }
    grant.url = "memory://" + request.key + "?method=" + grant.method +
                "&exp=" + std::to_string(request.expires_at);
    return grant;
  }

  bool Healthy() override { return true; }

 private:
  struct Entry {
    std::shared_ptr<const std::string> bytes;
    BlobInfo info;
  };

  class Reader final : public BlobReader {
   public:
    explicit Reader(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
    std::int64_t size() const override { return static_cast<std::int64_t>(bytes_->size()); }
    std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
      if (offset < 0) throw std::invalid_argument("BlobReader::ReadAt: negative offset");
      if (offset >= size()) return 0;
      return bytes_->copy(out, n, static_cast<std::size_t>(offset));
    }

   private:
    std::shared_ptr<const std::string> bytes_;
  };

  // RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 encodes.
  static std::string Encode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
      if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
    }
    return out;
  }
  static void CheckKey(std::string_view key) {
    if (!IsValidBlobKey(key)) throw Error(ErrorCode::kInvalidArgument, "invalid blob key");
  }
  static void CheckPrefix(std::string_view prefix) {
    if (prefix.size() < 2 || prefix.back() != '/' ||
        !IsValidBlobKey(prefix.substr(0, prefix.size() - 1))) {
      throw Error(ErrorCode::kInvalidArgument, "invalid blob key prefix");
    }
  }
  BlobInfo Info(const std::string& bytes) {
    BlobInfo info;
    info.size = static_cast<std::int64_t>(bytes.size());
    info.modified_at = clock_.Now();
    info.version = std::to_string(++next_version_);
    return info;
  }

  const Clock& clock_;
  const GrantStyle style_;
  std::mutex mutex_;
  std::map<std::string, Entry> blobs_;  // guarded by mutex_
  std::atomic<std::int64_t> next_version_{0};
};

// Forwards to another store, except that the operations named in `fail` throw
// Error(kUnavailable, "injected failure") instead, before touching the store (a put that
// fails this way has changed nothing, as the port promises). Thread-safe.
class FaultyBlobStore final : public BlobStore {
 public:
  enum Operation : unsigned {
    kNone = 0, kPut = 1, kStat = 2, kOpen = 4, kList = 8, kRemove = 16, kGrant = 32,
  };
  explicit FaultyBlobStore(BlobStore& inner) : inner_(inner) {}

  void FailOn(unsigned operations) { fail_ = operations; }

  BlobInfo PutFrom(std::string_view key, BlobSource& source) override {
    Maybe(kPut);
    return inner_.PutFrom(key, source);
  }
  std::optional<BlobInfo> Stat(std::string_view key) override {
    Maybe(kStat);
    return inner_.Stat(key);
  }
  std::unique_ptr<BlobReader> Open(std::string_view key) override {
    Maybe(kOpen);
    return inner_.Open(key);
  }
  BlobListing List(std::string_view prefix, std::string_view after, int limit) override {
    Maybe(kList);
    return inner_.List(prefix, after, limit);
  }
  void Remove(std::string_view key) override {
    Maybe(kRemove);
    inner_.Remove(key);
  }
  void RemovePrefix(std::string_view prefix) override {
    Maybe(kRemove);
    inner_.RemovePrefix(prefix);
  }
  BlobGrant Grant(const BlobGrantRequest& request) override {
    Maybe(kGrant);
    return inner_.Grant(request);
  }
  bool Healthy() override { return fail_ == kNone && inner_.Healthy(); }
  bool ServesClientsDirectly() const override { return inner_.ServesClientsDirectly(); }

 private:
  void Maybe(Operation operation) const {
    if (fail_ & operation) throw Error(ErrorCode::kUnavailable, "injected failure");
  }

  BlobStore& inner_;
  std::atomic<unsigned> fail_{kNone};
};

}  // namespace cadenza::test_support
