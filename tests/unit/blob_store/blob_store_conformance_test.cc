// The BlobStore contract (ports/blob_store.h), written once and run against every
// implementation. To add one, write a factory and add it to kStores below.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/localfs/local_blob_store.h"
#include "adapters/s3/s3_blob_store.h"
#include "domain/error.h"
#include "ports/blob_store.h"
#include "services/blob_files.h"
#include "services/url_signer.h"
#include "unit/support/in_memory_blob_store.h"
#include "unit/support/s3rver_process.h"
#include "unit/support/test_fixtures.h"
#include "unit/support/error_from.h"

namespace cadenza {
namespace {

using test_support::FaultyBlobStore;
using test_support::InMemoryBlobStore;
using test_support::ManualClock;
using test_support::TempDir;

constexpr Timestamp kNow = 1'800'000'000'000;

// A store and whatever it needs to live (folders, signers), destroyed together.
class StoreUnderTest {
 public:
  virtual ~StoreUnderTest() = default;
  virtual BlobStore& store() = 0;
  // A scratch folder for files the test feeds to the store.
  const std::filesystem::path& scratch() const { return scratch_.path(); }
  ManualClock clock{kNow};

 private:
  TempDir scratch_;
};

class LocalStore final : public StoreUnderTest {
 public:
  BlobStore& store() override { return store_; }

 private:
  TempDir root_;
  UrlSigner signer_{std::string(48, 'k'), clock};
  LocalBlobStore store_{root_.path() / "blobs", LocalBlobUrls{"/blobs/", &signer_}};
};

class MemoryStore final : public StoreUnderTest {
 public:
  BlobStore& store() override { return store_; }

 private:
  InMemoryBlobStore store_{clock};
};

// The fault wrapper with no faults armed must be a faithful store too.
class FaultyMemoryStore final : public StoreUnderTest {
 public:
  BlobStore& store() override { return faulty_; }

 private:
  InMemoryBlobStore inner_{clock};
  FaultyBlobStore faulty_{inner_};
};

// An S3 store on s3rver. One server per test process (started at the first use), each store
// under a key prefix of its own; small parts so that puts above 48 KiB go up in parts.
class S3Store final : public StoreUnderTest {
 public:
  S3Store() {
    static test_support::S3rverProcess server({"conformance"});
    static int stores = 0;
    S3Options options = server.Options("conformance", "store-" + std::to_string(++stores));
    options.multipart_threshold = 48 << 10;
    options.part_size = 32 << 10;
    store_ = OpenS3BlobStore(options, clock);
  }
  BlobStore& store() override { return *store_; }

 private:
  std::unique_ptr<BlobStore> store_;
};

struct NamedStore {
  const char* name;
  std::function<std::unique_ptr<StoreUnderTest>()> make;
};

// Every BlobStore implementation: one line each.
const NamedStore kStores[] = {
    {"Local", [] { return std::make_unique<LocalStore>(); }},
    {"InMemory", [] { return std::make_unique<MemoryStore>(); }},
    {"FaultWrapper", [] { return std::make_unique<FaultyMemoryStore>(); }},
    {"S3", [] { return std::make_unique<S3Store>(); }},
};

std::string ReadAll(BlobReader& reader) {
  std::string out;
  char buffer[7];  // small on purpose: many reads at moving offsets
  for (;;) {
    std::size_t n = reader.ReadAt(static_cast<std::int64_t>(out.size()), buffer, sizeof buffer);
    if (n == 0) return out;
    out.append(buffer, n);
  }
}

// A stream of unknown length that hands out its bytes in small, uneven pieces and may fail
// once it has handed out `fail_after` bytes.
class TrickleSource final : public BlobSource {
 public:
  explicit TrickleSource(std::string bytes, std::size_t fail_after = std::string::npos)
      : bytes_(std::move(bytes)), fail_after_(fail_after) {}
  std::optional<std::int64_t> size() const override { return std::nullopt; }
  std::size_t Read(char* out, std::size_t n) override {
    if (at_ >= fail_after_) throw std::runtime_error("the client went away");
    std::size_t count = std::min({n, bytes_.size() - at_, std::size_t{1} + at_ % 5});
    bytes_.copy(out, count, at_);
    at_ += count;
    return count;
  }

 private:
  std::string bytes_;
  std::size_t fail_after_;
  std::size_t at_ = 0;
};

std::vector<std::string> Keys(const BlobListing& listing) {
  std::vector<std::string> keys;
  for (const ListedBlob& blob : listing.blobs) keys.push_back(blob.key);
  return keys;
}

class BlobStoreConformance : public ::testing::TestWithParam<NamedStore> {
 protected:
  void SetUp() override { under_test_ = GetParam().make(); }
  BlobStore& store() { return under_test_->store(); }
  StoreUnderTest& env() { return *under_test_; }

  std::unique_ptr<StoreUnderTest> under_test_;
};

TEST_P(BlobStoreConformance, PutStatOpenReadRemove) {
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes.push_back(static_cast<char>(i % 251));
  BlobInfo put = store().Put("tracks/ab/cd.flac", bytes);
  EXPECT_EQ(put.size, 100000);
  EXPECT_FALSE(put.version.empty());

  std::optional<BlobInfo> info = store().Stat("tracks/ab/cd.flac");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 100000);
  EXPECT_EQ(info->version, put.version);
  EXPECT_GT(info->modified_at, 1'600'000'000'000);

  std::unique_ptr<BlobReader> reader = store().Open("tracks/ab/cd.flac");
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

  store().Remove("tracks/ab/cd.flac");
  EXPECT_FALSE(store().Stat("tracks/ab/cd.flac").has_value());
  EXPECT_EQ(store().Open("tracks/ab/cd.flac"), nullptr);
}

TEST_P(BlobStoreConformance, EmptyBlob) {
  EXPECT_EQ(store().Put("empty", "").size, 0);
  EXPECT_EQ(store().Stat("empty")->size, 0);
  std::unique_ptr<BlobReader> reader = store().Open("empty");
  ASSERT_NE(reader, nullptr);
  char c;
  EXPECT_EQ(reader->ReadAt(0, &c, 1), 0u);
}

TEST_P(BlobStoreConformance, MissingBlobs) {
  EXPECT_FALSE(store().Stat("nope").has_value());
  EXPECT_FALSE(store().Stat("no/such/folder").has_value());
  EXPECT_EQ(store().Open("nope"), nullptr);
  EXPECT_NO_THROW(store().Remove("nope"));
  EXPECT_NO_THROW(store().Remove("no/such/folder"));
}

TEST_P(BlobStoreConformance, AKeyOnlyNamingOtherBlobsIsNoBlob) {
  store().Put("a/b", "x");
  EXPECT_FALSE(store().Stat("a").has_value());
  EXPECT_EQ(store().Open("a"), nullptr);
  EXPECT_NO_THROW(store().Remove("a"));
  EXPECT_EQ(ReadAll(*store().Open("a/b")), "x");
}

TEST_P(BlobStoreConformance, OverwriteReplacesTheWholeBlobAndItsVersion) {
  BlobInfo first = store().Put("k", "old bytes");
  std::unique_ptr<BlobReader> before = store().Open("k");
  ASSERT_NE(before, nullptr);
  BlobInfo second = store().Put("k", "brand new, longer bytes");
  EXPECT_NE(second.version, first.version);
  EXPECT_EQ(store().Stat("k")->size, 23);
  EXPECT_EQ(ReadAll(*store().Open("k")), "brand new, longer bytes");
  // A reader opened before never mixes versions: it reads the old one, or (a remote store
  // whose old version is gone) fails as unavailable.
  EXPECT_EQ(before->size(), 9);
  try {
    EXPECT_EQ(ReadAll(*before), "old bytes");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
}

TEST_P(BlobStoreConformance, PutsAStreamOfUnknownLength) {
  std::string bytes(70000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 256);
  TrickleSource source(bytes);
  BlobInfo info = store().PutFrom("streams/one", source);
  EXPECT_EQ(info.size, 70000);
  EXPECT_EQ(ReadAll(*store().Open("streams/one")), bytes);
}

TEST_P(BlobStoreConformance, PutsAFileAndLeavesNoCopyOfATakeableOne) {
  std::filesystem::path kept = env().scratch() / "kept";
  std::filesystem::path taken = env().scratch() / "taken";
  for (const auto& path : {kept, taken}) std::ofstream(path, std::ios::binary) << "file bytes";
  FileBlobSource read_only(kept, /*takeable=*/false);
  EXPECT_EQ(store().PutFrom("files/kept", read_only).size, 10);
  EXPECT_TRUE(std::filesystem::exists(kept));
  FileBlobSource takeable(taken, /*takeable=*/true);
  EXPECT_EQ(store().PutFrom("files/taken", takeable).size, 10);
  EXPECT_EQ(ReadAll(*store().Open("files/kept")), "file bytes");
  EXPECT_EQ(ReadAll(*store().Open("files/taken")), "file bytes");
}

TEST_P(BlobStoreConformance, AFailingSourceChangesNothing) {
  store().Put("k", "the old blob");
  TrickleSource failing(std::string(50000, 'z'), 20000);
  EXPECT_THROW(store().PutFrom("k", failing), std::runtime_error);
  EXPECT_EQ(ReadAll(*store().Open("k")), "the old blob");
  TrickleSource failing_new(std::string(100, 'z'), 10);
  EXPECT_THROW(store().PutFrom("fresh", failing_new), std::runtime_error);
  EXPECT_FALSE(store().Stat("fresh").has_value());
  EXPECT_EQ(Keys(store().List("", "", 100)), std::vector<std::string>{"k"});
}

TEST_P(BlobStoreConformance, ListsKeysUnderAPrefixInPages) {
  const std::vector<std::string> wanted = {"r/t/1/a.mp3", "r/t/1/b/init.mp4", "r/t/1/b/seg-1",
                                           "r/t/1/b/seg-2", "r/t/1/c"};
  for (const std::string& key : wanted) store().Put(key, key);
  store().Put("r/t/10/a", "x");  // shares the text prefix "r/t/1", not the folder
  store().Put("r/t/2", "y");
  store().Put("zzz", "z");

  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  for (;;) {
    BlobListing page = store().List("r/t/1/", after, 2);
    ++pages;
    ASSERT_LE(page.blobs.size(), 2u);
    for (const ListedBlob& blob : page.blobs) {
      EXPECT_EQ(blob.info.size, static_cast<std::int64_t>(blob.key.size())) << blob.key;
      seen.push_back(blob.key);
    }
    if (!page.next_after) break;
    after = *page.next_after;
    ASSERT_LT(pages, 10) << "the listing does not end";
  }
  EXPECT_EQ(seen, wanted);
  EXPECT_EQ(pages, 3);

  std::vector<std::string> all = Keys(store().List("", "", 100));
  EXPECT_EQ(all.size(), 8u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_TRUE(store().List("none/", "", 10).blobs.empty());
  EXPECT_EQ(Keys(store().List("r/", "r/t/10/a", 10)), std::vector<std::string>{"r/t/2"});
  for (const char* bad : {"r", "r//", "/", "../", "r/t/1"}) {
    try {
      store().List(bad, "", 10);
      ADD_FAILURE() << "List accepted prefix '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST_P(BlobStoreConformance, RemovesEveryBlobUnderAPrefixOnly) {
  store().Put("renditions/t/1/a", "1");
  store().Put("renditions/t/1/b/c", "2");
  store().Put("renditions/t/10/a", "3");
  store().Put("renditions/t/1x", "4");
  store().RemovePrefix("renditions/t/1/");
  EXPECT_EQ(Keys(store().List("", "", 100)),
            (std::vector<std::string>{"renditions/t/10/a", "renditions/t/1x"}));
  EXPECT_NO_THROW(store().RemovePrefix("renditions/none/"));
  EXPECT_NO_THROW(store().RemovePrefix("renditions/t/1x/"));  // a blob named like the prefix
  EXPECT_TRUE(store().Stat("renditions/t/1x").has_value());
  for (const char* bad : {"", "/", "renditions", "renditions//", "../x/"}) {
    try {
      store().RemovePrefix(bad);
      ADD_FAILURE() << "RemovePrefix accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
  store().Put("renditions/t/1/again", "5");  // a removed prefix takes new blobs normally
  EXPECT_EQ(ReadAll(*store().Open("renditions/t/1/again")), "5");
}

TEST_P(BlobStoreConformance, GrantsTimeLimitedUrlsForOneKey) {
  BlobGrantRequest write;
  write.access = BlobAccess::kWrite;
  write.key = "originals/one";
  write.expires_at = kNow + 600'000;
  write.max_bytes = 12345;
  write.user_id = "user-1";
  BlobGrant put = store().Grant(write);
  EXPECT_EQ(put.access, BlobAccess::kWrite);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_FALSE(put.url.empty());
  EXPECT_LE(put.expires_at, write.expires_at);
  EXPECT_GT(put.expires_at, kNow);
  EXPECT_EQ(put.max_bytes, 12345);

  BlobGrantRequest read = write;
  read.access = BlobAccess::kRead;
  read.max_bytes = 0;
  BlobGrant get = store().Grant(read);
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.max_bytes, 0);
  EXPECT_NE(get.url, put.url);
  read.key = "originals/two";
  EXPECT_NE(store().Grant(read).url, get.url);
  EXPECT_FALSE(store().Stat("originals/one").has_value()) << "granting stores nothing";

  read.key = "../escape";
  try {
    store().Grant(read);
    ADD_FAILURE() << "granted an invalid key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

TEST_P(BlobStoreConformance, RefusesInvalidKeysEverywhere) {
  const std::vector<std::string> keys = {"",   "/",       "../victim", "a/../b",
                                         "a//b", "a/",    ".hidden",   "a b",
                                         std::string(513, 'a')};
  for (const std::string& key : keys) {
    auto expect_invalid = [&](auto&& call, const char* op) {
      test_support::ExpectError(call, ErrorCode::kInvalidArgument, "invalid blob key",
                                std::string(op) + " '" + key + "'");
    };
    expect_invalid([&] { store().Put(key, "evil"); }, "Put");
    expect_invalid([&] { store().Stat(key); }, "Stat");
    expect_invalid([&] { store().Open(key); }, "Open");
    expect_invalid([&] { store().Remove(key); }, "Remove");
  }
  EXPECT_TRUE(store().List("", "", 10).blobs.empty());
}

TEST_P(BlobStoreConformance, IsHealthy) { EXPECT_TRUE(store().Healthy()); }

INSTANTIATE_TEST_SUITE_P(AllStores, BlobStoreConformance, ::testing::ValuesIn(kStores),
                         [](const ::testing::TestParamInfo<NamedStore>& info) {
                           return std::string(info.param.name);
                         });

// What the fault wrapper adds: chosen operations fail, and a failed put changes nothing.
TEST(FaultyBlobStoreTest, FailsTheChosenOperationsOnly) {
  ManualClock clock(kNow);
  InMemoryBlobStore inner(clock);
  FaultyBlobStore faulty(inner);
  faulty.Put("k", "kept");
  faulty.FailOn(FaultyBlobStore::kPut | FaultyBlobStore::kStat);
  EXPECT_THROW(faulty.Put("k", "lost"), Error);
  EXPECT_THROW(faulty.Stat("k"), Error);
  EXPECT_FALSE(faulty.Healthy());
  EXPECT_EQ(ReadAll(*faulty.Open("k")), "kept");
  faulty.FailOn(FaultyBlobStore::kNone);
  EXPECT_EQ(faulty.Stat("k")->size, 4);
}

}  // namespace
}  // namespace cadenza
