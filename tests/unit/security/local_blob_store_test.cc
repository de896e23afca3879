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
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
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

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  fs::path Root() const { return temp_.path() / "blobs"; }
  std::set<std::string> SpoolEntries() const { return Tree(store_.SpoolDirectory()); }

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

TEST_F(LocalBlobStoreTest, PutStatOpenReadRemove) {
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes.push_back(static_cast<char>(i % 251));
  store_.Put("tracks/ab/cd.flac", bytes);
  EXPECT_EQ(ReadFile(Root() / "tracks/ab/cd.flac"), bytes);

  std::optional<BlobInfo> info = store_.Stat("tracks/ab/cd.flac");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 100000);
  EXPECT_GT(info->modified_at, 1'600'000'000'000);

  std::unique_ptr<BlobReader> reader = store_.Open("tracks/ab/cd.flac");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->size(), 100000);
  char buffer[10];
  ASSERT_EQ(reader->ReadAt(0, buffer, 10), 10u);
  EXPECT_EQ(std::string(buffer, 10), bytes.substr(0, 10));
  ASSERT_EQ(reader->ReadAt(54321, buffer, 10), 10u);
  EXPECT_EQ(std::string(buffer, 10), bytes.substr(54321, 10));
  EXPECT_EQ(reader->ReadAt(99995, buffer, 10), 5u);
  EXPECT_EQ(std::string(buffer, 5), bytes.substr(99995));
  EXPECT_EQ(reader->ReadAt(100000, buffer, 10), 0u);
  EXPECT_EQ(reader->ReadAt(1'000'000, buffer, 10), 0u);
  EXPECT_THROW(reader->ReadAt(-1, buffer, 10), std::invalid_argument);
  EXPECT_EQ(ReadAll(*reader), bytes);

  store_.Remove("tracks/ab/cd.flac");
  EXPECT_FALSE(store_.Stat("tracks/ab/cd.flac").has_value());
  EXPECT_EQ(store_.Open("tracks/ab/cd.flac"), nullptr);
  EXPECT_EQ(ReadAll(*reader), bytes);  // an open reader keeps its file
}

TEST_F(LocalBlobStoreTest, EmptyBlob) {
  store_.Put("empty", "");
  EXPECT_EQ(store_.Stat("empty")->size, 0);
  std::unique_ptr<BlobReader> reader = store_.Open("empty");
  ASSERT_NE(reader, nullptr);
  char c;
  EXPECT_EQ(reader->ReadAt(0, &c, 1), 0u);
}

TEST_F(LocalBlobStoreTest, MissingBlobs) {
  EXPECT_FALSE(store_.Stat("nope").has_value());
  EXPECT_FALSE(store_.Stat("no/such/folder").has_value());
  EXPECT_EQ(store_.Open("nope"), nullptr);
  EXPECT_NO_THROW(store_.Remove("nope"));
  EXPECT_NO_THROW(store_.Remove("no/such/folder"));
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

TEST_F(LocalBlobStoreTest, PutFileMovesTheSource) {
  fs::path source = store_.SpoolDirectory() / "upload-1";
  WriteFile(source, "spooled upload");
  struct stat before {};
  ASSERT_EQ(::stat(source.c_str(), &before), 0);

  store_.PutFile("uploads/u1.flac", source);
  EXPECT_FALSE(fs::exists(source));
  EXPECT_EQ(ReadFile(Root() / "uploads/u1.flac"), "spooled upload");
  struct stat after {};
  ASSERT_EQ(::stat((Root() / "uploads/u1.flac").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);  // renamed, not copied
  EXPECT_TRUE(SpoolEntries().empty());

  // From another folder of the same filesystem, overwriting an existing blob.
  fs::path elsewhere = temp_.path() / "incoming";
  WriteFile(elsewhere, "second version");
  store_.PutFile("uploads/u1.flac", elsewhere);
  EXPECT_FALSE(fs::exists(elsewhere));
  EXPECT_EQ(ReadAll(*store_.Open("uploads/u1.flac")), "second version");
}

TEST_F(LocalBlobStoreTest, PutFileAcrossFilesystemsCopiesAndRemovesTheSource) {
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
  store_.PutFile("x/cross.bin", source);
  EXPECT_FALSE(fs::exists(source));
  EXPECT_EQ(ReadFile(Root() / "x/cross.bin"), "from another filesystem");
  EXPECT_TRUE(SpoolEntries().empty());
  fs::remove_all(pattern);
}

TEST_F(LocalBlobStoreTest, PutFileRefusesFoldersAndMissingSources) {
  fs::create_directory(temp_.path() / "dir");
  EXPECT_THROW(store_.PutFile("k", temp_.path() / "dir"), std::invalid_argument);
  try {
    store_.PutFile("k", temp_.path() / "missing");
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
      try {
        call();
        ADD_FAILURE() << op << " accepted key '" << key << "'";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << op << " '" << key << "'";
        EXPECT_EQ(std::string(e.what()), "invalid blob key");
      }
    };
    expect_invalid([&] { store_.Put(key, "evil"); }, "Put");
    expect_invalid([&] { store_.PutFile(key, source); }, "PutFile");
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
