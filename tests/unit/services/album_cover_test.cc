#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "account_test_env.h"
#include "domain/cover.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

// A real n x n PNG, made once per size with the ffmpeg CLI.
const std::string& Png(int n) {
  static std::map<int, std::string> made;
  auto it = made.find(n);
  if (it != made.end()) return it->second;
  test_support::TempDir temp;
  std::filesystem::path file = temp.path() / ("cover-" + std::to_string(n) + ".png");
  std::string command = "ffmpeg -v error -y -f lavfi -i color=c=0x3366cc:s=" + std::to_string(n) +
                        "x" + std::to_string(n) + " -frames:v 1 " + file.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return made.emplace(n, std::move(bytes)).first->second;
}

bool IsJpeg(const std::string& bytes) { return bytes.starts_with("\xFF\xD8\xFF"); }

class AlbumCoverTest : public test_env::ServiceTestEnv {
 protected:
  std::vector<std::string> QueuedDeletions() {
    return catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.blob_deletions().Peek(1000); });
  }
  bool Queued(const std::string& key) {
    std::vector<std::string> queued = QueuedDeletions();
    return std::find(queued.begin(), queued.end(), key) != queued.end();
  }
  std::string BlobText(const std::string& key) {
    std::unique_ptr<BlobReader> reader = blobs_->Open(key);
    if (!reader) return "";
    std::string text(static_cast<std::size_t>(reader->size()), '\0');
    reader->ReadAt(0, text.data(), text.size());
    return text;
  }
};

TEST_F(AlbumCoverTest, TheOwnerSetsACoverStoredAtEachSize) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = NewAlbum(owner, NewArtist(owner).id);
  Album covered = catalogue_->SetAlbumCover(owner, album.id, Png(700));
  ASSERT_TRUE(covered.cover_key);
  EXPECT_TRUE(covered.cover_key->starts_with("covers/" + album.id + "/"));
  EXPECT_TRUE(covered.cover_key->ends_with("/"));
  EXPECT_EQ(covered.cover_max_px, 600);
  for (int size : {96, 300, 600}) {
    EXPECT_TRUE(IsJpeg(BlobText(CoverKey(*covered.cover_key, size)))) << size;
  }
  EXPECT_FALSE(blobs_->Stat(CoverKey(*covered.cover_key, 1200)));
  // What is stored is what GetAlbum reports.
  Album loaded = catalogue_->GetAlbum(owner, album.id).album;
  EXPECT_EQ(loaded.cover_key, covered.cover_key);
  EXPECT_EQ(loaded.cover_max_px, 600);
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(AlbumCoverTest, OnlyTheOwnerOrAnAdminMayChangeIt) {
  Principal owner = NewAccount(Role::kArtist);
  Principal other = NewAccount(Role::kArtist);
  Principal listener = NewAccount(Role::kListener);
  Principal admin = NewAccount(Role::kAdmin);
  Album album = NewAlbum(owner, NewArtist(owner).id);
  // Refused before any image is decoded: bytes that are no image still get 403, not 415.
  EXPECT_EQ(ErrorFrom([&] { catalogue_->SetAlbumCover(other, album.id, "not an image"); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->SetAlbumCover(listener, album.id, Png(300)); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(catalogue_->SetAlbumCover(admin, album.id, Png(300)).cover_key);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->SetAlbumCover(owner, ids_.Next(), Png(300)); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(AlbumCoverTest, ReplacingACoverQueuesTheOldVersion) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = NewAlbum(owner, NewArtist(owner).id);
  Album first = catalogue_->SetAlbumCover(owner, album.id, Png(300));
  Album second = catalogue_->SetAlbumCover(owner, album.id, Png(1500));
  ASSERT_TRUE(first.cover_key && second.cover_key);
  EXPECT_NE(*first.cover_key, *second.cover_key);
  EXPECT_EQ(second.cover_max_px, 1200);
  EXPECT_TRUE(Queued(*first.cover_key));
  EXPECT_FALSE(Queued(*second.cover_key));
  EXPECT_TRUE(IsJpeg(BlobText(CoverKey(*second.cover_key, 1200))));
}

TEST_F(AlbumCoverTest, UpdatingOtherFieldsKeepsTheCover) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = NewAlbum(owner, NewArtist(owner).id);
  Album covered = catalogue_->SetAlbumCover(owner, album.id, Png(300));
  AlbumPatch patch;
  patch.title = "Renamed";
  Album renamed = catalogue_->UpdateAlbum(owner, album.id, patch);
  EXPECT_EQ(renamed.cover_key, covered.cover_key);
  EXPECT_EQ(catalogue_->GetAlbum(owner, album.id).album.cover_key, covered.cover_key);
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(AlbumCoverTest, DeletingTheAlbumOrItsArtistQueuesTheCover) {
  Principal owner = NewAccount(Role::kArtist);
  Artist artist = NewArtist(owner);
  Album album = NewAlbum(owner, artist.id);
  Album other = NewAlbum(owner, artist.id, "Second");
  Album a = catalogue_->SetAlbumCover(owner, album.id, Png(96));
  Album b = catalogue_->SetAlbumCover(owner, other.id, Png(96));
  catalogue_->DeleteAlbum(owner, album.id);
  EXPECT_TRUE(Queued(*a.cover_key));
  EXPECT_FALSE(Queued(*b.cover_key));
  catalogue_->DeleteArtist(owner, artist.id);
  EXPECT_TRUE(Queued(*b.cover_key));
}

TEST_F(AlbumCoverTest, ARefusedImageChangesNothing) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = NewAlbum(owner, NewArtist(owner).id);
  EXPECT_EQ(ErrorFrom([&] { catalogue_->SetAlbumCover(owner, album.id, "text"); }).code(),
            ErrorCode::kUnsupportedMedia);
  EXPECT_FALSE(catalogue_->GetAlbum(owner, album.id).album.cover_key);
  EXPECT_TRUE(QueuedDeletions().empty());
}

// The version id inside a cover_key ("covers/<album>/<version>/").
std::string VersionOf(const Album& album) {
  std::string key = album.cover_key.value_or("");
  key.pop_back();
  return key.substr(key.rfind('/') + 1);
}

std::string ReadAll(BlobReader& reader) {
  std::string bytes(static_cast<std::size_t>(reader.size()), '\0');
  bytes.resize(reader.ReadAt(0, bytes.data(), bytes.size()));
  return bytes;
}

// OpenCover on a store Cadenza relays covers from: the local store, in both builds. With a
// store that serves clients directly, OpenCover reads nothing and hands out the store's grant
// (direct_media_test.cc).
class RelayedCoverTest : public AlbumCoverTest {
 protected:
  RelayedCoverTest() { relayed_blobs_ = true; }
};

TEST_F(RelayedCoverTest, OpensEachStoredSizeOfTheCurrentVersion) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = catalogue_->SetAlbumCover(owner, NewAlbum(owner, NewArtist(owner).id).id, Png(700));
  for (int size : {96, 300, 600}) {
    CoverFile cover = catalogue_->OpenCover(album.id, VersionOf(album), size);
    EXPECT_EQ(cover.content_type, "image/jpeg");
    EXPECT_EQ(cover.blob_key, CoverKey(*album.cover_key, size));
    ASSERT_TRUE(cover.reader);
    std::string bytes = ReadAll(*cover.reader);
    EXPECT_EQ(bytes, BlobText(cover.blob_key)) << size;
    EXPECT_EQ(cover.size, static_cast<std::int64_t>(bytes.size()));
    EXPECT_TRUE(IsJpeg(bytes));
  }
}

TEST_F(AlbumCoverTest, OpensNoSizeThatWasNotStored) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = catalogue_->SetAlbumCover(owner, NewAlbum(owner, NewArtist(owner).id).id, Png(400));
  const std::string version = VersionOf(album);
  for (int size : {0, 95, 97, 123, 400, -96}) {
    Error error = ErrorFrom([&] { catalogue_->OpenCover(album.id, version, size); });
    EXPECT_EQ(error.code(), ErrorCode::kNotFound) << size;
    EXPECT_STREQ(error.what(), "no such cover size") << size;
  }
  // A size of kCoverSizes above the source's shorter side was never made.
  Error error = ErrorFrom([&] { catalogue_->OpenCover(album.id, version, 600); });
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "cover not found");
}

TEST_F(RelayedCoverTest, OpensOnlyTheCurrentVersionOfAnExistingAlbum) {
  Principal owner = NewAccount(Role::kArtist);
  Album bare = NewAlbum(owner, NewArtist(owner).id);
  Album first = catalogue_->SetAlbumCover(owner, bare.id, Png(300));
  Album second = catalogue_->SetAlbumCover(owner, bare.id, Png(300));
  EXPECT_TRUE(catalogue_->OpenCover(bare.id, VersionOf(second), 96).reader);

  // The replaced version's blobs are still stored (queued for the janitor), yet not served.
  ASSERT_TRUE(blobs_->Stat(CoverKey(*first.cover_key, 96)));
  Error old = ErrorFrom([&] { catalogue_->OpenCover(bare.id, VersionOf(first), 96); });
  EXPECT_EQ(old.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(old.what(), "cover not found");

  Album other = NewAlbum(owner, second.artist_id, "Other");
  Error none = ErrorFrom([&] { catalogue_->OpenCover(other.id, VersionOf(second), 96); });
  EXPECT_EQ(none.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(none.what(), "cover not found");
  Error unknown = ErrorFrom([&] { catalogue_->OpenCover(ids_.Next(), VersionOf(second), 96); });
  EXPECT_EQ(unknown.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(unknown.what(), "album not found");
}

TEST_F(RelayedCoverTest, ReportsABlobMissingFromTheStore) {
  Principal owner = NewAccount(Role::kArtist);
  Album album = catalogue_->SetAlbumCover(owner, NewAlbum(owner, NewArtist(owner).id).id, Png(300));
  blobs_->Remove(CoverKey(*album.cover_key, 300));
  Error error = ErrorFrom([&] { catalogue_->OpenCover(album.id, VersionOf(album), 300); });
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "cover not found");
  EXPECT_TRUE(catalogue_->OpenCover(album.id, VersionOf(album), 96).reader);
}

}  // namespace
}  // namespace cadenza
