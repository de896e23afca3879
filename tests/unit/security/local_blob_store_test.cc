#include "adapters/localfs/local_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/error.h"
#include "services/url_signer.h"
#include "unit/support/test_fixtures.h"
#include "unit/support/error_from.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
using test_support::ManualClock;
using test_support::TempDir;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ReadAll(BlobReader& reader) {
  std::string out;
  char buffer[7];  // small on purpose: many reads at moving offsets
  for (;;) {
    std::size_t n = reader.ReadAt(static_cast<std::int64_t>(out.size()), buffer, sizeof buffer);
    if (n == 0) return out;
    out.append(buffer, n);
  }
}

// Every file and folder under `dir`, relative to it.
std::set<std::string> Tree(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    out.insert(fs::relative(entry.path(), dir).string());
  }
  return out;
}

// Names a file the store may take; reading it is never needed by the local store.
class TakeableFileSource final : public BlobSource {
 public:
  explicit TakeableFileSource(fs::path path) : path_(std::move(path)) {}
  std::optional<std::int64_t> size() const override { return std::nullopt; }
  std::size_t Read(char*, std::size_t) override {
    throw std::logic_error("the local store reads a takeable file itself");
  }
  const fs::path* TakeableFile() const override { return &path_; }

 private:
  fs::path path_;
};

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  fs::path Root() const { return temp_.path() / "blobs"; }
  std::set<std::string> SpoolEntries() const { return Tree(store_.SpoolDirectory()); }
  // Puts `file` as a source the store may take over.
  BlobInfo Take(const fs::path& file, std::string_view key) {
    TakeableFileSource source(file);
    return store_.PutFrom(key, source);
  }

  TempDir temp_;
  LocalBlobStore store_{temp_.path() / "blobs"};
};

TEST_F(LocalBlobStoreTest, CreatesRootAndSpool) {
  EXPECT_TRUE(fs::is_directory(Root()));
  EXPECT_EQ(store_.SpoolDirectory(), fs::canonical(Root()) / ".spool");
  EXPECT_TRUE(fs::is_directory(store_.SpoolDirectory()));
  EXPECT_TRUE(store_.Healthy());
  EXPECT_TRUE(SpoolEntries().empty());  // the probe is gone
}

// The contract every store keeps is in tests/unit/blob_store/; these are the local store's own
// promises: a blob is a file under the root, and an open reader keeps the file it opened.
TEST_F(LocalBlobStoreTest, BlobsAreFilesAndOpenReadersKeepTheirFile) {
  std::string bytes(100000, 'b');
  store_.Put("tracks/ab/cd.flac", bytes);
  EXPECT_EQ(ReadFile(Root() / "tracks/ab/cd.flac"), bytes);
  std::unique_ptr<BlobReader> reader = store_.Open("tracks/ab/cd.flac");
  ASSERT_NE(reader, nullptr);
  store_.Remove("tracks/ab/cd.flac");
  EXPECT_FALSE(fs::exists(Root() / "tracks"));
  EXPECT_EQ(ReadAll(*reader), bytes);
}

TEST_F(LocalBlobStoreTest, GrantsAreSignedBlobsUrls) {
  ManualClock clock(1'800'000'000'000);
  UrlSigner signer(std::string(48, 's'), clock);
  LocalBlobStore store(temp_.path() / "signed", LocalBlobUrls{"/blobs/", &signer});
  BlobGrantRequest request;
  request.access = BlobAccess::kWrite;
  request.key = "originals/x1";
  request.expires_at = 1'800'000'600'000;
  request.max_bytes = 4096;
  request.user_id = "user-1";
  BlobGrant grant = store.Grant(request);
  const std::string prefix = "/blobs/originals/x1?";
  ASSERT_EQ(grant.url.substr(0, prefix.size()), prefix) << grant.url;
  EXPECT_EQ(grant.url.substr(prefix.size()), signer.SignQuery(request));
  EXPECT_EQ(grant.expires_at, request.expires_at);
  // Without a signer the store hands out no URLs rather than unsigned ones.
  try {
    store_.Grant(request);
    FAIL() << "granted without a signer";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
}

TEST_F(LocalBlobStoreTest, VersionsFollowTheFileNotItsSize) {
  BlobInfo first = store_.Put("k", "same size");
  BlobInfo second = store_.Put("k", "SAME SIZE");
  EXPECT_NE(first.version, second.version);
  EXPECT_EQ(store_.Stat("k")->version, second.version);
}

TEST_F(LocalBlobStoreTest, AFolderIsNotABlob) {
  store_.Put("a/b", "x");
  EXPECT_FALSE(store_.Stat("a").has_value());
  EXPECT_EQ(store_.Open("a"), nullptr);
  EXPECT_NO_THROW(store_.Remove("a"));
  EXPECT_EQ(ReadFile(Root() / "a/b"), "x");
  // A blob cannot hold other blobs: the OS error surfaces as kUnavailable, worded once.
  try {
    store_.Put("a/b/c", "y");
    FAIL() << "put under a blob succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(std::string(e.what()), "blob store: put a/b/c: Not a directory");
  }
  EXPECT_FALSE(store_.Stat("a/b/c").has_value());
  EXPECT_TRUE(SpoolEntries().empty());
}

TEST_F(LocalBlobStoreTest, OverwriteIsAtomicForOpenReaders) {
  store_.Put("k", "old bytes");
  std::unique_ptr<BlobReader> before = store_.Open("k");
  ASSERT_NE(before, nullptr);
  store_.Put("k", "brand new, longer bytes");
  EXPECT_EQ(before->size(), 9);
  EXPECT_EQ(ReadAll(*before), "old bytes");
  std::unique_ptr<BlobReader> after = store_.Open("k");
  EXPECT_EQ(ReadAll(*after), "brand new, longer bytes");
  EXPECT_EQ(store_.Stat("k")->size, 23);
}

TEST_F(LocalBlobStoreTest, PutFromATakeableFileMovesIt) {
  fs::path source = store_.SpoolDirectory() / "upload-1";
  WriteFile(source, "spooled upload");
  struct stat before {};
  ASSERT_EQ(::stat(source.c_str(), &before), 0);

  Take(source, "uploads/u1.flac");
  EXPECT_FALSE(fs::exists(source));
  EXPECT_EQ(ReadFile(Root() / "uploads/u1.flac"), "spooled upload");
  struct stat after {};
  ASSERT_EQ(::stat((Root() / "uploads/u1.flac").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);  // renamed, not copied
  EXPECT_TRUE(SpoolEntries().empty());

  // From another folder of the same filesystem, overwriting an existing blob.
  fs::path elsewhere = temp_.path() / "incoming";
  WriteFile(elsewhere, "second version");
  Take(elsewhere, "uploads/u1.flac");
  EXPECT_FALSE(fs::exists(elsewhere));
  EXPECT_EQ(ReadAll(*store_.Open("uploads/u1.flac")), "second version");
}

TEST_F(LocalBlobStoreTest, PutFromATakeableFileAcrossFilesystemsCopiesAndRemovesIt) {
  struct stat shm {
  }, root{};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(Root().c_str(), &root) != 0 ||
      shm.st_dev == root.st_dev || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no second filesystem at /dev/shm";
  }
  std::string pattern = "/dev/shm/cadenza-test-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  fs::path source = fs::path(pattern) / "upload";
  WriteFile(source, "from another filesystem");
  Take(source, "x/cross.bin");
  EXPECT_FALSE(fs::exists(source));
  EXPECT_EQ(ReadFile(Root() / "x/cross.bin"), "from another filesystem");
  EXPECT_TRUE(SpoolEntries().empty());
  fs::remove_all(pattern);
}

TEST_F(LocalBlobStoreTest, PutFromATakeableFileRefusesFoldersAndMissingFiles) {
  fs::create_directory(temp_.path() / "dir");
  EXPECT_THROW(Take(temp_.path() / "dir", "k"), std::invalid_argument);
  try {
    Take(temp_.path() / "missing", "k");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_FALSE(store_.Stat("k").has_value());
}

TEST_F(LocalBlobStoreTest, LeavesNoTempFilesInTheSpool) {
  for (int i = 0; i < 20; ++i) store_.Put("many/" + std::to_string(i), std::string(i * 100, 'x'));
  for (int i = 0; i < 5; ++i) store_.Put("many/0", "again");
  EXPECT_TRUE(SpoolEntries().empty());
  EXPECT_EQ(Tree(Root() / "many").size(), 20u);
}

TEST_F(LocalBlobStoreTest, RemovesFoldersLeftEmpty) {
  store_.Put("a/b/c/one", "1");
  store_.Put("a/two", "2");
  store_.Remove("a/b/c/one");
  EXPECT_FALSE(fs::exists(Root() / "a/b"));
  EXPECT_TRUE(fs::exists(Root() / "a/two"));
  store_.Remove("a/two");
  EXPECT_FALSE(fs::exists(Root() / "a"));
  EXPECT_TRUE(fs::is_directory(Root()));
  EXPECT_TRUE(fs::is_directory(store_.SpoolDirectory()));
  EXPECT_EQ(Tree(Root()), std::set<std::string>{".spool"});
}

TEST_F(LocalBlobStoreTest, RefusesEveryPathTraversalAndTouchesNothing) {
  const fs::path outside = temp_.path() / "victim";
  WriteFile(outside, "precious");
  fs::path source = temp_.path() / "payload";
  WriteFile(source, "payload");
  const std::set<std::string> temp_before = Tree(temp_.path());

  const std::vector<std::string> keys = {
      "",
      "/",
      "/etc/passwd",
      "../victim",
      "..",
      ".",
      "./x",
      "a/../../victim",
      "a/..",
      "a/./b",
      "a//b",
      "a/",
      "/a",
      ".spool/x",
      ".spool",
      ".hidden",
      "a/.hidden",
      "..\\victim",
      "a\\..\\..\\victim",
      "%2e%2e/victim",
      "..%2fvictim",
      "~/victim",
      "a b",
      "C:/victim",
      "a:b",
      "a\nb",
      "\xc3\xa9",
      "a/\xc0\xae\xc0\xae/b",
      std::string("a\0b", 3),
      std::string(513, 'a'),
      "a/" + std::string(511, 'b'),
      "....//victim",
      "...",
      "a/...",
      "\t",
  };
  for (const std::string& key : keys) {
    auto expect_invalid = [&](auto&& call, const char* op) {
      test_support::ExpectError(call, ErrorCode::kInvalidArgument, "invalid blob key",
                                std::string(op) + " '" + key + "'");
    };
    expect_invalid([&] { store_.Put(key, "evil"); }, "Put");
    expect_invalid([&] { Take(source, key); }, "PutFrom (takeable file)");
    expect_invalid([&] { store_.Stat(key); }, "Stat");
    expect_invalid([&] { store_.Open(key); }, "Open");
    expect_invalid([&] { store_.Remove(key); }, "Remove");
  }
  EXPECT_EQ(ReadFile(outside), "precious");
  EXPECT_EQ(ReadFile(source), "payload");
  EXPECT_EQ(Tree(temp_.path()), temp_before);
  EXPECT_EQ(Tree(Root()), std::set<std::string>{".spool"});
}

TEST_F(LocalBlobStoreTest, RefusesKeysThatResolveOutsideThroughSymlinks) {
  const fs::path outside = temp_.path() / "outside";
  fs::create_directory(outside);
  WriteFile(outside / "victim", "precious");
  fs::create_directory_symlink(outside, Root() / "link");
  fs::create_symlink(outside / "victim", Root() / "file-link");

  for (const char* key : {"link/victim", "link/new", "file-link"}) {
    EXPECT_THROW(store_.Put(key, "evil"), Error) << key;
    EXPECT_THROW(store_.Open(key), Error) << key;
    EXPECT_THROW(store_.Stat(key), Error) << key;
    EXPECT_THROW(store_.Remove(key), Error) << key;
  }
  EXPECT_EQ(ReadFile(outside / "victim"), "precious");
  EXPECT_EQ(Tree(outside), std::set<std::string>{"victim"});
  try {
    store_.Put("link/new", "evil");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(LocalBlobStoreTest, HealthyOnlyWhileTheSpoolIsWritable) {
  EXPECT_TRUE(store_.Healthy());
  fs::remove_all(store_.SpoolDirectory());
  EXPECT_FALSE(store_.Healthy());
}

TEST_F(LocalBlobStoreTest, ConcurrentPutsAndRemovesInOneFolder) {
  // Removes prune the shared folder while the other thread is putting into it.
  auto worker = [this](const std::string& key) {
    try {
      for (int i = 0; i < 300; ++i) {
        store_.Put(key, key);
        std::unique_ptr<BlobReader> reader = store_.Open(key);
        ASSERT_NE(reader, nullptr);
        ASSERT_EQ(ReadAll(*reader), key);
        store_.Remove(key);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << key << ": " << e.what();
    }
  };
  std::thread a(worker, "shared/deep/a");
  std::thread b(worker, "shared/deep/b");
  a.join();
  b.join();
  EXPECT_EQ(Tree(Root()), std::set<std::string>{".spool"});
}

TEST(LocalBlobStoreRootTest, RootGivenWithDotsAndSymlinks) {
  TempDir temp;
  fs::create_directory(temp.path() / "real");
  fs::create_directory_symlink(temp.path() / "real", temp.path() / "alias");
  LocalBlobStore store(temp.path() / "alias" / "." / "store");
  store.Put("k/v", "value");
  EXPECT_EQ(ReadFile(temp.path() / "real/store/k/v"), "value");
  EXPECT_EQ(ReadAll(*store.Open("k/v")), "value");
}

}  // namespace
}  // namespace cadenza
