#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "ports/blob_store.h"

namespace cadenza {

// BlobStore on a local folder: the blob for key K is the file <root>/K. Writes go to a temp
// file in <root>/.spool (a dot segment is never a valid key, so it cannot collide with a
// blob), are fsynced, then renamed into place and the folder fsynced: readers, including ones
// that opened the old blob, never see a partial file. Folders are created on demand and
// removed again when their last blob goes.
//
// Grants are URLs that Cadenza serves itself: "<url_prefix><key>?<signed query>", the query
// signed by the injected BlobGrantSigner. The store does not sign them itself because the key
// material and the checking of those URLs belong to the endpoint that serves them
// (services/local_blob_endpoint.h), which must use the same signer: the composition root
// hands both the one UrlSigner.
//
// Thread-safe and blocking. Invalid keys throw Error(kInvalidArgument, "invalid blob key");
// operating-system failures throw Error(kUnavailable, "blob store: <op> <key>: <reason>").
struct LocalBlobUrls {
  std::string prefix;                       // the path the /blobs route serves, e.g. "/blobs/"
  const BlobGrantSigner* signer = nullptr;  // null: Grant throws kUnavailable (CLI tools)
};

class LocalBlobStore final : public BlobStore {
 public:
  // Creates `root` and its spool folder when missing. Throws std::filesystem::filesystem_error
  // when they cannot be created (a fatal start-up problem). `urls.signer` must outlive the
  // store.
  explicit LocalBlobStore(const std::filesystem::path& root, LocalBlobUrls urls = {});

  // A source with a TakeableFile must name a regular file (else std::invalid_argument): it is
  // fsynced and renamed into place when it lives on the same filesystem as the store,
  // otherwise copied (then fsynced) and removed. Other sources are copied into a temp file in
  // the spool, fsynced, then renamed into place. The version is the file's identity (inode,
  // modification time, size).
  BlobInfo PutFrom(std::string_view key, BlobSource& source) override;
  // Nullopt when there is no blob (also when `key` names a folder of other blobs).
  std::optional<BlobInfo> Stat(std::string_view key) override;
  // The reader keeps the opened file: it reads the same bytes even if the blob is replaced or
  // removed meanwhile. ReadAt throws std::invalid_argument for a negative offset.
  std::unique_ptr<BlobReader> Open(std::string_view key) override;
  // Walks the folder under `prefix` and sorts what it finds: each page costs a walk of that
  // folder (fine for the janitor-sized listings it serves). Links and dot entries are skipped.
  BlobListing List(std::string_view prefix, std::string_view after, int limit) override;
  void Remove(std::string_view key) override;
  // Removes the folder <root>/<prefix> recursively, then prunes the folders it leaves empty.
  // A symbolic link in its place is left alone (nothing is stored under a link), and a prefix
  // that resolves outside the root throws Error(kInvalidArgument) like an invalid key.
  void RemovePrefix(std::string_view prefix) override;
  // "<prefix><key>?<signed query>"; the key is not percent-encoded (valid keys need none).
  BlobGrant Grant(const BlobGrantRequest& request) override;
  // Creates, fsyncs, reads back and removes a probe file in the spool folder.
  bool Healthy() override;

  const std::filesystem::path& root() const { return root_; }
  // A folder on the store's filesystem (never a blob): the /blobs route spools PUT bodies
  // here, so that storing them is a rename, not a copy.
  const std::filesystem::path& SpoolDirectory() const { return spool_; }

 private:
  // Removes `dir` and its parents while they are empty (up to the root); fsyncs the first
  // folder left standing. Returns 0 or an errno.
  int PruneEmptyFolders(std::filesystem::path dir);
  std::filesystem::path PathFor(std::string_view key) const;
  // Renames `from` to `to` (the blob for `key`), creating the missing folders first; retries
  // when a concurrent Remove prunes a folder in between. Returns 0 or an errno value.
  int RenameIntoPlace(const std::filesystem::path& from, const std::filesystem::path& to);
  // Copies `source` into a fsynced temp file in the spool; returns its path and identity.
  std::filesystem::path CopyToSpool(std::string_view key, BlobSource& source, BlobInfo& info);
  // Moves a fsynced temp file of the spool to the blob for `key`; removes it on failure.
  void PublishSpooled(std::string_view key, const std::filesystem::path& temp,
                      const std::filesystem::path& destination);
  BlobInfo PutTakeableFile(std::string_view key, const std::filesystem::path& file);

  std::filesystem::path root_;   // canonical
  std::filesystem::path spool_;  // root_/.spool
  LocalBlobUrls urls_;
  std::shared_mutex tree_mutex_;  // puts share it; pruning empty folders takes it alone
};

}  // namespace cadenza
