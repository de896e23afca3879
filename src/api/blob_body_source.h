#pragma once
#include <memory>

#include "http/response.h"
#include "ports/blob_store.h"

namespace cadenza::api {

// Streams a stored blob as a response body; the server reads it in chunks on its blocking
// pool and applies Range itself.
class BlobBodySource final : public http::BodySource {
 public:
  explicit BlobBodySource(std::unique_ptr<BlobReader> reader) : reader_(std::move(reader)) {}
  std::int64_t size() const override { return reader_->size(); }
  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    return reader_->ReadAt(offset, out, n);
  }

 private:
  std::unique_ptr<BlobReader> reader_;
};

}  // namespace cadenza::api
