// What a failed track tells people: the transcoder's reasons, never exception text or paths.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "services/ingest/attempt_failure.h"
#include "unit/ingest/ingest_fixture.h"

namespace cadenza::ingest_testing {
namespace {

// Fails every call with the exception `fail` throws.
class FailingTranscoder final : public Transcoder {
 public:
  explicit FailingTranscoder(std::function<void()> fail) : fail_(std::move(fail)) {}
  ProbeResult Probe(const fs::path&, const MediaLimits&) override {
    fail_();
    return {};
  }
  TranscodeResult Transcode(const fs::path&, const fs::path&, const TranscodeOptions&,
                            const std::function<void(double)>&) override {
    fail_();
    return {};
  }

 private:
  std::function<void()> fail_;
};

class FailureReasonTest : public IngestFixture {
 protected:
  // Runs every attempt of a fresh track's job against a transcoder failing with `fail`;
  // returns the track as it ends.
  Track FailEveryAttempt(std::function<void()> fail) {
    FailingTranscoder transcoder(std::move(fail));
    IngestOptions options = WorkerOptions("worker-failing");
    options.log = [this](std::string_view message) { log_.emplace_back(message); };
    IngestWorker worker(*catalog_, blobs_, transcoder, clock_, options);
    track_ = CreateTrack("bytes the transcoder never gets to like");
    for (int attempt = 0; attempt < 10 && GetTrack(track_.id).status == TrackStatus::kProcessing;
         ++attempt) {
      if (std::optional<Job> job = JobOf(track_.id); job && job->last_error) {
        last_errors_.push_back(*job->last_error);
      }
      clock_.Advance(std::chrono::hours(1));
      worker.RunOnce();
    }
    return GetTrack(track_.id);
  }

  bool Logged(std::string_view text) const {
    for (const std::string& line : log_) {
      if (line.find(text) != std::string::npos && line.find(track_.id) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  Track track_;
  std::vector<std::string> log_;
  std::vector<std::string> last_errors_;
};

TEST_F(FailureReasonTest, AnInternalErrorShowsAGenericReasonAndLogsTheDetail) {
  const std::string detail = "cannot read /srv/cadenza/data/secrets/token.key: Permission denied";
  Track track = FailEveryAttempt([&] { throw std::runtime_error(detail); });
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  ASSERT_TRUE(track.error);
  EXPECT_EQ(*track.error,
            std::string("processing failed after 5 attempts: ") + kInternalFailureReason);
  EXPECT_EQ(track.error->find("/srv"), std::string::npos);
  EXPECT_TRUE(Logged(detail)) << "the detail goes to the log, with the track id";
  ASSERT_FALSE(last_errors_.empty());
  EXPECT_EQ(last_errors_.back(), detail) << "and stays in the job for operators";
}

TEST_F(FailureReasonTest, AnUnprocessableReasonIsKeptAsItIs) {
  Track track = FailEveryAttempt([] { throw Error(ErrorCode::kUnprocessable, "not an audio file"); });
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  EXPECT_EQ(track.error, "not an audio file");
}

TEST_F(FailureReasonTest, TheTranscodersOwnFailureIsAReasonForPeople) {
  Track track =
      FailEveryAttempt([] { throw Error(ErrorCode::kUnavailable, "the transcoder crashed"); });
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  EXPECT_EQ(track.error, "processing failed after 5 attempts: the transcoder crashed");
}

TEST_F(FailureReasonTest, OtherDomainErrorsAreNotShownEither) {
  // Storage errors name blob keys and database messages: for operators only.
  Track track = FailEveryAttempt([] {
    throw Error(ErrorCode::kNotFound, "blob originals/0190-secret-key is missing from the store");
  });
  ASSERT_TRUE(track.error);
  EXPECT_EQ(track.error->find("originals/"), std::string::npos) << *track.error;
}

}  // namespace
}  // namespace cadenza::ingest_testing
