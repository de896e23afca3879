// Embedded pictures become the album's cover, once, and a bad picture never fails the track.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "adapters/ffmpeg/ffmpeg_image_processor.h"
#include "domain/cover.h"
#include "services/image_work_pool.h"
#include "unit/ffmpeg/hostile_images.h"
#include "unit/ingest/ingest_fixture.h"

namespace cadenza::ingest_testing {
namespace {

class IngestCoverArtTest : public IngestFixture {
 protected:
  IngestOptions CoverOptions() {
    IngestOptions options = WorkerOptions("worker-covers");
    options.images = &images_;
    options.log = [this](std::string_view message) { log_.emplace_back(message); };
    return options;
  }

  // A short FLAC with `picture` attached as its front cover.
  std::string FlacWithPicture(const fs::path& picture) {
    fs::path path = dir_.path() / "with-cover.flac";
    std::string command =
        "ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=330:duration=2:sample_rate=44100 "
        "-i " + Quote(picture) + " -map 0:a -map 1:v -c:a flac -c:v copy -disposition:v "
        "attached_pic -metadata:s:v comment=\"Cover (front)\" " + Quote(path);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    return ReadFile(path);
  }

  fs::path MakePng(int width, int height) {
    fs::path path = dir_.path() / "cover.png";
    std::string command = "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=" +
                          std::to_string(width) + "x" + std::to_string(height) +
                          " -frames:v 1 " + Quote(path);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    return path;
  }

  Album LoadAlbum() {
    return *catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.albums().FindById(album_.id); });
  }

  FfmpegImageProcessor images_;
  std::vector<std::string> log_;
};

TEST_F(IngestCoverArtTest, AnEmbeddedPngBecomesTheAlbumsCover) {
  IngestWorker worker(*catalog_, blobs_, ffmpeg_, clock_, CoverOptions());
  Track created = CreateTrack(FlacWithPicture(MakePng(640, 480)));
  ASSERT_TRUE(worker.RunOnce());
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kReady);

  Album album = LoadAlbum();
  ASSERT_TRUE(album.cover_key);
  EXPECT_TRUE(album.cover_key->starts_with("covers/" + album_.id + "/"));
  EXPECT_EQ(album.cover_max_px, 300);
  for (int size : {96, 300}) EXPECT_TRUE(blobs_.Stat(CoverKey(*album.cover_key, size)));
  EXPECT_FALSE(blobs_.Stat(CoverKey(*album.cover_key, 600)));

  // A second track's picture does not replace the cover the album already has.
  Track second = CreateTrack(FlacWithPicture(MakePng(800, 800)));
  ASSERT_TRUE(worker.RunOnce());
  EXPECT_EQ(GetTrack(second.id).status, TrackStatus::kReady);
  EXPECT_EQ(LoadAlbum().cover_key, album.cover_key);
  janitor_.DrainBlobDeletions();
  EXPECT_TRUE(QueuedDeletions().empty());
  EXPECT_TRUE(blobs_.Stat(CoverKey(*album.cover_key, 300)));
}

TEST_F(IngestCoverArtTest, ABadEmbeddedPictureLeavesTheTrackReadyAndIsLogged) {
  IngestWorker worker(*catalog_, blobs_, ffmpeg_, clock_, CoverOptions());
  std::string flac = FlacWithPicture(MakePng(400, 400));
  // The embedded PNG claims to be 0 x 0 pixels: its signature survives, its header does not.
  std::size_t png = flac.find("\x89PNG\r\n\x1A\n");
  ASSERT_NE(png, std::string::npos);
  flac.replace(png + 16, 8, std::string(8, '\0'));
  Track created = CreateTrack(flac);
  ASSERT_TRUE(worker.RunOnce());
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kReady);
  EXPECT_FALSE(LoadAlbum().cover_key);
  bool logged = false;
  for (const std::string& line : log_) {
    logged = logged || line.find("embedded cover art not used") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  janitor_.DrainBlobDeletions();
  for (const std::string& key : StoredKeys()) EXPECT_FALSE(key.starts_with("covers/")) << key;
}

TEST_F(IngestCoverArtTest, AnEmbeddedScanBombIsRefusedByTheSameChecksOnTheImagePool) {
  // As in serve: the worker's decodes go through the image pool, which runs the processor.
  ImageWorkPool pool(images_, ImageWorkOptions{1, 0});
  IngestOptions options = CoverOptions();
  options.images = &pool;
  IngestWorker worker(*catalog_, blobs_, ffmpeg_, clock_, std::move(options));
  fs::path bomb = dir_.path() / "bomb.jpg";
  {
    std::ofstream out(bomb, std::ios::binary);
    out << cadenza::testing::ProgressiveJpeg(1024, 1024, 3000);
  }
  Track created = CreateTrack(FlacWithPicture(bomb));
  ASSERT_TRUE(worker.RunOnce());
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kReady);
  EXPECT_FALSE(LoadAlbum().cover_key);
  bool refused = false;
  for (const std::string& line : log_) {
    refused = refused || line.find("at most 32 scans") != std::string::npos;
  }
  EXPECT_TRUE(refused) << "the log says why the picture was not used";
}

}  // namespace
}  // namespace cadenza::ingest_testing
