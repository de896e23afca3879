// LocalBlobStore::RemovePrefix: removes one folder of blobs, validates the prefix like a key,
// and never reaches outside the store's root, links included.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "adapters/localfs/local_blob_store.h"
#include "domain/error.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every regular file under `dir`, relative to it (the spool is skipped: probes come and go).
std::set<std::string> Files(const fs::path& dir) {
  std::set<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".spool") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out.insert(fs::relative(it->path(), dir).string());
  }
  return out;
}

ErrorCode CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;
}

class BlobPrefixTest : public ::testing::Test {
 protected:
  fs::path Root() const { return fs::canonical(temp_.path() / "blobs"); }

  TempDir temp_;
  LocalBlobStore store_{temp_.path() / "blobs"};
};

TEST_F(BlobPrefixTest, RemovesEveryBlobUnderThePrefixOnly) {
  store_.Put("renditions/t/j-1/aac_96/init.mp4", "i");
  store_.Put("renditions/t/j-1/aac_96/seg-00000.m4s", "s0");
  store_.Put("renditions/t/j-1/aac_96/seg-00001.m4s", "s1");
  store_.Put("renditions/t/j-1/mp3_96.mp3", "m");
  store_.Put("renditions/t/j-10/mp3_96.mp3", "longer sibling name");
  store_.Put("renditions/t/j-2/mp3_96.mp3", "other attempt");
  store_.Put("originals/abc", "original");

  store_.RemovePrefix("renditions/t/j-1/");

  EXPECT_EQ(Files(Root()), (std::set<std::string>{"originals/abc", "renditions/t/j-10/mp3_96.mp3",
                                                   "renditions/t/j-2/mp3_96.mp3"}));
  EXPECT_FALSE(fs::exists(Root() / "renditions/t/j-1"));
  EXPECT_FALSE(store_.Stat("renditions/t/j-1/mp3_96.mp3"));
}

TEST_F(BlobPrefixTest, PrunesFoldersLeftEmptyButKeepsTheRoot) {
  store_.Put("renditions/only/j-1/a/b.m4s", "x");
  store_.RemovePrefix("renditions/only/j-1/");
  EXPECT_FALSE(fs::exists(Root() / "renditions"));
  EXPECT_TRUE(fs::is_directory(Root()));
  EXPECT_TRUE(fs::is_directory(store_.SpoolDirectory()));
  EXPECT_TRUE(store_.Healthy());
}

TEST_F(BlobPrefixTest, AMissingPrefixOrABlobNamedLikeItIsNotAnError) {
  EXPECT_NO_THROW(store_.RemovePrefix("renditions/none/"));
  store_.Put("renditions/file", "a blob, not a folder");
  EXPECT_NO_THROW(store_.RemovePrefix("renditions/file/"));
  EXPECT_TRUE(store_.Stat("renditions/file"));  // a blob is not "under" its own name
  EXPECT_NO_THROW(store_.RemovePrefix("renditions/file/deeper/"));
}

TEST_F(BlobPrefixTest, RefusesAnythingButAValidKeyFollowedByASlash) {
  store_.Put("a/b", "kept");
  for (const char* bad : {"", "/", "a", "a/b", "a//", "../", "a/../", "./", "/a/", ".spool/",
                          "a/.hidden/", "a\\b/", "a/b//"}) {
    EXPECT_EQ(CodeOf([&] { store_.RemovePrefix(bad); }), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(store_.Stat("a/b"));
}

TEST_F(BlobPrefixTest, NeverFollowsALinkOutOfTheRoot) {
  fs::path outside = temp_.path() / "outside";
  fs::create_directories(outside / "victim");
  WriteFile(outside / "victim/keep.txt", "must survive");
  fs::create_directories(Root() / "renditions");
  fs::create_directory_symlink(outside, Root() / "renditions/escape");
  fs::create_directory_symlink(outside / "victim", Root() / "renditions/link");

  // A prefix that resolves outside the root is refused like an invalid key.
  EXPECT_EQ(CodeOf([&] { store_.RemovePrefix("renditions/escape/victim/"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { store_.RemovePrefix("renditions/link/"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(fs::exists(outside / "victim/keep.txt"));
}

TEST_F(BlobPrefixTest, ALinkInsideTheRootIsLeftAloneAndItsTargetKept) {
  store_.Put("originals/x", "original");
  fs::create_directories(Root() / "renditions");
  fs::create_directory_symlink(Root() / "originals", Root() / "renditions/alias");

  EXPECT_NO_THROW(store_.RemovePrefix("renditions/alias/"));
  EXPECT_TRUE(store_.Stat("originals/x"));
}

TEST_F(BlobPrefixTest, ALinkDeepInsideThePrefixIsRemovedNotFollowed) {
  fs::path outside = temp_.path() / "outside2";
  fs::create_directories(outside);
  WriteFile(outside / "keep.txt", "must survive");
  store_.Put("renditions/t/j-1/mp3_96.mp3", "m");
  fs::create_directory_symlink(outside, Root() / "renditions/t/j-1/planted");

  store_.RemovePrefix("renditions/t/j-1/");

  EXPECT_FALSE(fs::exists(fs::symlink_status(Root() / "renditions/t/j-1")));
  EXPECT_TRUE(fs::exists(outside / "keep.txt"));
}

TEST_F(BlobPrefixTest, BlobsPutAfterwardsUnderTheSamePrefixAreStoredNormally) {
  store_.Put("renditions/t/j-1/a.m4s", "old");
  store_.RemovePrefix("renditions/t/j-1/");
  store_.Put("renditions/t/j-1/a.m4s", "new");
  auto info = store_.Stat("renditions/t/j-1/a.m4s");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 3);
}

}  // namespace
}  // namespace cadenza
