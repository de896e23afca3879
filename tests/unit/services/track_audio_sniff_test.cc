// Content types of served blobs, from the real leading bytes of each container format.
#include <gtest/gtest.h>

#include <string>

#include "services/audio_sniff.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(AudioSniffTest, RecognisesTheContainerMagic) {
  // FLAC: "fLaC" then the STREAMINFO block header.
  EXPECT_EQ(SniffAudioContentType(Bytes({'f', 'L', 'a', 'C', 0x00, 0x00, 0x00, 0x22, 0x10, 0x00})),
            "audio/flac");
  // Ogg page header (Vorbis/Opus): "OggS", version 0, BOS flag.
  EXPECT_EQ(SniffAudioContentType(Bytes({'O', 'g', 'g', 'S', 0x00, 0x02, 0x00, 0x00})),
            "audio/ogg");
  // MP3 with an ID3v2.4 tag, and a bare MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz).
  EXPECT_EQ(SniffAudioContentType(Bytes({'I', 'D', '3', 0x04, 0x00, 0x00})), "audio/mpeg");
  EXPECT_EQ(SniffAudioContentType(Bytes({0xFF, 0xFB, 0x90, 0x64})), "audio/mpeg");
  // MPEG-2 Layer III (0xFFF3) and MPEG-2.5 (0xFFE3) frames.
  EXPECT_EQ(SniffAudioContentType(Bytes({0xFF, 0xF3, 0x48, 0xC4})), "audio/mpeg");
  EXPECT_EQ(SniffAudioContentType(Bytes({0xFF, 0xE3, 0x18, 0xC4})), "audio/mpeg");
  // WAV: RIFF, little-endian size, WAVE, fmt chunk.
  EXPECT_EQ(SniffAudioContentType(Bytes({'R', 'I', 'F', 'F', 0x24, 0x08, 0x00, 0x00, 'W', 'A',
                                         'V', 'E', 'f', 'm', 't', ' '})),
            "audio/wav");
  // AIFF and AIFF-C: FORM, big-endian size, form type.
  EXPECT_EQ(SniffAudioContentType(Bytes({'F', 'O', 'R', 'M', 0x00, 0x00, 0x10, 0x2E, 'A', 'I',
                                         'F', 'F', 'C', 'O', 'M', 'M'})),
            "audio/aiff");
  EXPECT_EQ(SniffAudioContentType(Bytes({'F', 'O', 'R', 'M', 0x00, 0x00, 0x10, 0x2E, 'A', 'I',
                                         'F', 'C'})),
            "audio/aiff");
  // MP4/M4A: box size, "ftyp", major brand.
  EXPECT_EQ(SniffAudioContentType(Bytes({0x00, 0x00, 0x00, 0x20, 'f', 't', 'y', 'p', 'M', '4',
                                         'A', ' '})),
            "audio/mp4");
}

TEST(AudioSniffTest, AnythingElseIsOpaque) {
  for (std::string head : {std::string("<!doctype html><script>"), std::string("%PDF-1.7"),
                           Bytes({0xFF, 0xF1, 0x50, 0x80}),  // AAC ADTS: layer 00, not MPEG audio
                           Bytes({0xFF, 0xEB, 0x90}),        // reserved MPEG version 01
                           Bytes({'R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' '}),
                           Bytes({'F', 'O', 'R', 'M', 0, 0, 0, 0, 'I', 'L', 'B', 'M'}),
                           std::string("fLa"), std::string("RIFF"), std::string()}) {
    EXPECT_EQ(SniffAudioContentType(head), "application/octet-stream") << head;
  }
}

class TrackBlobContentTypeTest : public track_testing::TrackFixture {};

TEST_F(TrackBlobContentTypeTest, ServedBlobsCarryTheSniffedType) {
  std::string wav = Bytes({'R', 'I', 'F', 'F', 0x24, 0x00, 0x00, 0x00, 'W', 'A', 'V', 'E', 'f',
                           'm', 't', ' ', 0x10, 0x00, 0x00, 0x00});
  std::string html = "<html><script>alert(1)</script></html>";
  for (auto [bytes, type] : {std::pair{wav, "audio/wav"},
                             std::pair{html, "application/octet-stream"},
                             std::pair{std::string("ID3"), "audio/mpeg"}}) {
    Track track = UploadTrack(artist_, album_, bytes);
    std::string url = tracks_.IssueOriginalUrl(artist_, track.id).grant.url;
    SignedGrant grant =
        endpoint_.Verify(BlobAccess::kRead, track.blob_key, track_testing::QueryOf(url));
    EXPECT_EQ(endpoint_.Open(grant).content_type, type);
  }
}

}  // namespace
}  // namespace cadenza
