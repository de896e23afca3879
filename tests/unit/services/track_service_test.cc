// Tracks: claiming uploads, CRUD, replacing the audio, stream URLs and signed blob reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "services/blob_janitor.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza::track_testing {
namespace {

class TrackServiceTest : public TrackFixture {
 protected:
  bool Queued(std::string_view key) {
    auto queue = QueuedDeletions();
    return std::find(queue.begin(), queue.end(), key) != queue.end();
  }
  UploadTicket UploadedTicket(const Principal& who, std::string_view bytes) {
    UploadTicket ticket = tracks_.IssueUploadUrl(who);
    Put(ticket, bytes);
    return ticket;
  }
  UploadTicket UploadedReplacement(const Principal& who, const Track& track,
                                   std::string_view bytes) {
    UploadTicket ticket = tracks_.IssueUpdateUrl(who, track.id);
    Put(ticket, bytes);
    return ticket;
  }
  BlobJanitor janitor_{*catalog_, blobs_, clock_, JanitorOptions{}};
};

// --- Events ---

TEST_F(TrackServiceTest, UploadReplaceAndDeleteAreRecordedInTheirTransactions) {
  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Song", UploadedTicket(artist_, "one").blob_key, {}});
  tracks_.Update(artist_, track.id, TrackPatch{.upload_key = UploadedReplacement(artist_, track, "two").blob_key});
  // A refused delete records nothing.
  EXPECT_THROW(tracks_.Delete(listener_, track.id), Error);
  tracks_.Delete(artist_, track.id);
  auto records = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.events().ListAfter(0, 100); });
  std::vector<std::string> seen;
  for (const OutboxRecord& r : records) {
    EXPECT_EQ(r.event.user_id, artist_.user_id);
    EXPECT_EQ(r.event.subject_id, track.id);
    EXPECT_EQ(r.event.key, track.id);
    seen.push_back(r.event.type + r.event.attributes_json);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"track_uploaded{}",
                                            R"(track_uploaded{"change":"replaced"})",
                                            "track_deleted{}"}));
}

// --- Create ---

TEST_F(TrackServiceTest, CreateClaimsTheCompletedUpload) {
  UploadTicket ticket = UploadedTicket(artist_, "RIFF....WAVEfmt ");
  clock_.Advance(std::chrono::seconds(3));

  Track track = tracks_.Create(artist_, NewTrack{album_.id, "  Opening  ", ticket.blob_key, 7});

  EXPECT_FALSE(track.id.empty());
  EXPECT_EQ(track.album_id, album_.id);
  EXPECT_EQ(track.title, "Opening");
  EXPECT_EQ(track.track_number, 7);
  EXPECT_EQ(track.blob_key, ticket.blob_key);
  EXPECT_EQ(track.blob_size, 16);
  EXPECT_EQ(track.created_at, kStart + 3000);
  EXPECT_EQ(tracks_.Get(listener_, track.id).blob_key, track.blob_key);
  // The slot is claimed (gone) while its blob now belongs to the track.
  EXPECT_FALSE(SlotFor(track.blob_key));
  EXPECT_TRUE(blobs_.Stat(track.blob_key));
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(TrackServiceTest, CreateAcceptsTheBareBlobKey) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, {}});
  EXPECT_EQ(track.blob_key, ticket.blob_key);
  EXPECT_FALSE(track.track_number);
}

TEST_F(TrackServiceTest, CreateRefusesAnUnknownAlbum) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{ids_.Next(), "Song", ticket.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(error.field(), "albumId");
  EXPECT_STREQ(error.what(), "album not found");
  EXPECT_TRUE(SlotFor(ticket.blob_key));  // nothing claimed
}

TEST_F(TrackServiceTest, CreateRefusesAnotherArtistsAlbum) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{other_album_.id, "Song", ticket.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(SlotFor(ticket.blob_key));
}

TEST_F(TrackServiceTest, CreateRefusesWhatCannotNameAnUpload) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  const std::string key = ticket.blob_key;
  // The API turns a trackUrl into the key it names (api/dto.h); anything else is refused.
  for (std::string text : {"/blobs/" + key, "https://elsewhere.example/blobs/" + key, "/" + key,
                           "../" + key, ticket.grant.url, std::string("file:///etc/passwd"),
                           std::string()}) {
    Error error = ErrorFrom([&] {
      tracks_.Create(artist_, NewTrack{album_.id, "Song", text, {}});
    });
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(error.field(), "trackUrl") << text;
  }
}

TEST_F(TrackServiceTest, CreateRefusesAnUploadIssuedToSomeoneElse) {
  // The other artist's completed upload, posted to an album the caller owns.
  UploadTicket theirs = UploadedTicket(other_artist_, "their master");
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, "Song", theirs.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(error.field(), "trackUrl");
  EXPECT_TRUE(SlotFor(theirs.blob_key));
}

TEST_F(TrackServiceTest, CreateRefusesAnUploadWithNothingUploadedYet) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(error.field(), "trackUrl");
  EXPECT_STREQ(error.what(), "nothing has been uploaded to trackUrl yet");
}

TEST_F(TrackServiceTest, CreateRefusesAKeyNoSlotWasIssuedFor) {
  blobs_.Put("originals/planted", "bytes");
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, "Song", "originals/planted", {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "no upload for trackUrl (expired or already used)");
}

TEST_F(TrackServiceTest, AClaimedUploadCannotBeClaimedAgain) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, {}});
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{second_album_.id, "Again", ticket.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(error.field(), "trackUrl");
}

TEST_F(TrackServiceTest, CreateRefusesAReplacementSlot) {
  Track track = UploadTrack(artist_, album_, "v1");
  UploadTicket replacement = UploadedReplacement(artist_, track, "v2");
  Error error = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, "Copy", replacement.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(error.field(), "trackUrl");
  EXPECT_TRUE(SlotFor(replacement.blob_key));
}

TEST_F(TrackServiceTest, CreateRefusesAnUploadAboveTheConfiguredLimit) {
  // Uploaded while the limit was larger; the server now allows less.
  UploadTicket ticket = UploadedTicket(artist_, "sixteen bytes!!!");
  TrackService smaller(*catalog_, blobs_, ids_, clock_, Options(10));
  Error error = ErrorFrom([&] {
    smaller.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, {}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kTooLarge);
  EXPECT_EQ(error.field(), "trackUrl");
}

TEST_F(TrackServiceTest, CreateValidatesTitleAndTrackNumber) {
  UploadTicket ticket = UploadedTicket(artist_, "bytes");
  Error blank = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, "   ", ticket.blob_key, {}});
  });
  EXPECT_EQ(blank.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(blank.field(), "title");
  Error too_long = ErrorFrom([&] {
    tracks_.Create(artist_, NewTrack{album_.id, std::string(201, 'a'), ticket.blob_key, {}});
  });
  EXPECT_EQ(too_long.field(), "title");
  for (int number : {0, 1000}) {
    Error error = ErrorFrom([&] {
      tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, number});
    });
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(error.field(), "trackNumber");
  }
  EXPECT_NO_THROW(tracks_.Create(artist_, NewTrack{album_.id, std::string(200, 'a'),
                                                   ticket.blob_key, 999}));
}

TEST_F(TrackServiceTest, AdminsMayCreateInAnyAlbumWithTheirOwnUpload) {
  UploadTicket ticket = UploadedTicket(admin_, "bytes");
  Track track = tracks_.Create(admin_, NewTrack{other_album_.id, "Song", ticket.blob_key, {}});
  EXPECT_EQ(track.album_id, other_album_.id);
}

// --- Read ---

TEST_F(TrackServiceTest, GetAndListServeEveryAccount) {
  Track first = UploadTrack(artist_, album_, "a", "First");
  Track second = UploadTrack(other_artist_, other_album_, "b", "Second");
  Track third = UploadTrack(artist_, second_album_, "c", "Third");

  EXPECT_EQ(tracks_.Get(listener_, second.id).title, "Second");
  Page<Track> page = tracks_.List(listener_, PageRequest{2, std::nullopt});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, first.id);
  EXPECT_EQ(page.items[1].id, second.id);
  ASSERT_TRUE(page.next_after_id);
  Page<Track> rest = tracks_.List(listener_, PageRequest{2, page.next_after_id});
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_EQ(rest.items[0].id, third.id);

  Error missing = ErrorFrom([&] { tracks_.Get(listener_, ids_.Next()); });
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
}

// --- Update ---

TEST_F(TrackServiceTest, PatchChangesMetadata) {
  Track track = UploadTrack(artist_, album_, "bytes");
  clock_.Advance(std::chrono::seconds(10));

  TrackPatch patch;
  patch.title = "Renamed";
  patch.track_number = 4;
  patch.album_id = second_album_.id;
  Track updated = tracks_.Update(artist_, track.id, patch);

  EXPECT_EQ(updated.title, "Renamed");
  EXPECT_EQ(updated.track_number, 4);
  EXPECT_EQ(updated.album_id, second_album_.id);
  EXPECT_EQ(updated.updated_at, kStart + 10'000);
  EXPECT_EQ(updated.blob_key, track.blob_key);
  EXPECT_EQ(tracks_.Get(artist_, track.id).title, "Renamed");

  TrackPatch clear;
  clear.clear_track_number = true;
  EXPECT_FALSE(tracks_.Update(artist_, track.id, clear).track_number);
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(TrackServiceTest, MovingToAnAlbumRequiresOwningIt) {
  Track track = UploadTrack(artist_, album_, "bytes");
  TrackPatch to_foreign;
  to_foreign.album_id = other_album_.id;
  EXPECT_EQ(ErrorFrom([&] { tracks_.Update(artist_, track.id, to_foreign); }).code(),
            ErrorCode::kPermissionDenied);
  TrackPatch to_missing;
  to_missing.album_id = ids_.Next();
  Error missing = ErrorFrom([&] { tracks_.Update(artist_, track.id, to_missing); });
  EXPECT_EQ(missing.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(missing.field(), "albumId");
  EXPECT_EQ(tracks_.Get(artist_, track.id).album_id, album_.id);
}

TEST_F(TrackServiceTest, OnlyTheOwnerOrAnAdminMayPatch) {
  Track track = UploadTrack(artist_, album_, "bytes");
  TrackPatch patch;
  patch.title = "Hijacked";
  EXPECT_EQ(ErrorFrom([&] { tracks_.Update(other_artist_, track.id, patch); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { tracks_.Update(listener_, track.id, patch); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracks_.Get(artist_, track.id).title, "Song");
  patch.title = "Fixed by an admin";
  EXPECT_EQ(tracks_.Update(admin_, track.id, patch).title, "Fixed by an admin");
  EXPECT_EQ(ErrorFrom([&] { tracks_.Update(artist_, ids_.Next(), patch); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(TrackServiceTest, ReplacingTheAudioQueuesTheOldBlobForTheJanitor) {
  Track track = UploadTrack(artist_, album_, "version one");
  std::string old_key = track.blob_key;
  UploadTicket ticket = UploadedReplacement(artist_, track, "version two!");
  std::string new_key = ticket.blob_key;
  EXPECT_EQ(SlotFor(new_key)->track_id, track.id);

  TrackPatch patch;
  patch.upload_key = ticket.blob_key;
  Track updated = tracks_.Update(artist_, track.id, patch);

  EXPECT_EQ(updated.blob_key, new_key);
  EXPECT_EQ(updated.blob_size, 12);
  EXPECT_FALSE(SlotFor(new_key));  // claimed
  EXPECT_TRUE(Queued(old_key));
  EXPECT_FALSE(Queued(new_key));
  EXPECT_TRUE(blobs_.Stat(old_key));  // removal waits for the janitor

  EXPECT_EQ(janitor_.DrainBlobDeletions(), 1);
  EXPECT_FALSE(blobs_.Stat(old_key));
  EXPECT_EQ(ReadBlob(new_key), "version two!");
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(TrackServiceTest, ReplacementNeedsAnUpdateSlotForThisTrack) {
  Track track = UploadTrack(artist_, album_, "one");
  Track other_track = UploadTrack(artist_, album_, "two");

  TrackPatch new_track_slot;
  new_track_slot.upload_key = UploadedTicket(artist_, "three").blob_key;
  Error error = ErrorFrom([&] { tracks_.Update(artist_, track.id, new_track_slot); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(error.field(), "trackUrl");

  TrackPatch other_tracks_slot;
  other_tracks_slot.upload_key = UploadedReplacement(artist_, other_track, "four").blob_key;
  error = ErrorFrom([&] { tracks_.Update(artist_, track.id, other_tracks_slot); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);

  TrackPatch not_uploaded;
  not_uploaded.upload_key = tracks_.IssueUpdateUrl(artist_, track.id).blob_key;
  error = ErrorFrom([&] { tracks_.Update(artist_, track.id, not_uploaded); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);

  EXPECT_EQ(tracks_.Get(artist_, track.id).blob_key, track.blob_key);
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(TrackServiceTest, ReplacementSlotIssuedToTheAdminCannotBeUsedByTheOwner) {
  Track track = UploadTrack(artist_, album_, "one");
  UploadTicket admins = UploadedReplacement(admin_, track, "two");
  TrackPatch patch;
  patch.upload_key = admins.blob_key;
  Error error = ErrorFrom([&] { tracks_.Update(artist_, track.id, patch); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tracks_.Update(admin_, track.id, patch).blob_key, admins.blob_key);
}

TEST_F(TrackServiceTest, UpdateUrlNeedsAnExistingTrackTheCallerOwns) {
  Track track = UploadTrack(artist_, album_, "one");
  EXPECT_EQ(ErrorFrom([&] { tracks_.IssueUpdateUrl(other_artist_, track.id); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { tracks_.IssueUpdateUrl(listener_, track.id); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { tracks_.IssueUpdateUrl(artist_, ids_.Next()); }).code(),
            ErrorCode::kNotFound);
  UploadTicket ticket = tracks_.IssueUpdateUrl(artist_, track.id);
  EXPECT_EQ(ticket.grant.method, "PUT");
  EXPECT_EQ(ticket.grant.expires_at, kStart + 600'000);
  EXPECT_NE(ticket.blob_key, track.blob_key);
}

// --- Delete ---

TEST_F(TrackServiceTest, DeleteRemovesTheTrackAndTheJanitorItsBlob) {
  Track track = UploadTrack(artist_, album_, "bytes");
  UploadTicket pending = UploadedReplacement(artist_, track, "never claimed");

  tracks_.Delete(artist_, track.id);

  EXPECT_EQ(ErrorFrom([&] { tracks_.Get(artist_, track.id); }).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Queued(track.blob_key));
  // The replacement slot goes with its track, and its blob with it.
  EXPECT_FALSE(SlotFor(pending.blob_key));
  EXPECT_TRUE(Queued(pending.blob_key));
  EXPECT_TRUE(blobs_.Stat(track.blob_key));

  janitor_.RunOnce();
  EXPECT_FALSE(blobs_.Stat(track.blob_key));
  EXPECT_FALSE(blobs_.Stat(pending.blob_key));
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(TrackServiceTest, OnlyTheOwnerOrAnAdminMayDelete) {
  Track track = UploadTrack(artist_, album_, "bytes");
  EXPECT_EQ(ErrorFrom([&] { tracks_.Delete(other_artist_, track.id); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFrom([&] { tracks_.Delete(listener_, track.id); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(QueuedDeletions().empty());
  tracks_.Delete(admin_, track.id);
  EXPECT_EQ(ErrorFrom([&] { tracks_.Delete(admin_, track.id); }).code(),
            ErrorCode::kNotFound);
}

// --- Stream and the blob endpoint ---

TEST_F(TrackServiceTest, OriginalUrlIsASignedGetOfTheTracksBlob) {
  std::string flac = std::string("fLaC\0\0\0\x22", 8) + std::string(40, '\x11');
  Track track = UploadTrack(artist_, album_, flac, "Streamed");

  OriginalTicket ticket = tracks_.IssueOriginalUrl(artist_, track.id);

  EXPECT_EQ(ticket.size_bytes, static_cast<std::int64_t>(flac.size()));
  EXPECT_EQ(ticket.grant.expires_at, kStart + 300'000);
  ASSERT_TRUE(ticket.grant.url.starts_with("/blobs/" + track.blob_key + "?"))
      << ticket.grant.url;
  SignedGrant grant = endpoint_.Verify(BlobAccess::kRead, track.blob_key, QueryOf(ticket.grant.url));
  EXPECT_EQ(grant.user_id, artist_.user_id);

  clock_.Advance(std::chrono::seconds(100));
  BlobDownload blob = endpoint_.Open(grant);
  ASSERT_TRUE(blob.reader);
  EXPECT_EQ(blob.reader->size(), static_cast<std::int64_t>(flac.size()));
  EXPECT_EQ(blob.content_type, "audio/flac");
  EXPECT_EQ(blob.expires_at, kStart + 300'000);
  EXPECT_EQ(blob.opened_at, kStart + 100'000);
  char head[4];
  ASSERT_EQ(blob.reader->ReadAt(0, head, 4), 4u);
  EXPECT_EQ(std::string_view(head, 4), "fLaC");
}

TEST_F(TrackServiceTest, OriginalUrlsExpireAndCannotUpload) {
  Track track = UploadTrack(artist_, album_, "bytes");
  OriginalTicket ticket = tracks_.IssueOriginalUrl(artist_, track.id);
  auto query = QueryOf(ticket.grant.url);

  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kWrite, track.blob_key, query); }).code(),
            ErrorCode::kPermissionDenied);
  SignedGrant grant = endpoint_.Verify(BlobAccess::kRead, track.blob_key, query);
  EXPECT_EQ(ErrorFrom([&] { endpoint_.StoreUpload(grant, Spool("x")); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ReadBlob(track.blob_key), "bytes");

  clock_.Advance(kStreamTtl + std::chrono::seconds(1));
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kRead, track.blob_key, query); }).code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(TrackServiceTest, OriginalOfAnUnknownTrackIsNotFound) {
  EXPECT_EQ(ErrorFrom([&] { tracks_.IssueOriginalUrl(artist_, ids_.Next()); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(TrackServiceTest, OpenBlobNeedsAGetGrantAndAStoredBlob) {
  Track track = UploadTrack(artist_, album_, "bytes");
  SignedGrant grant = endpoint_.Verify(
      BlobAccess::kRead, track.blob_key,
      QueryOf(tracks_.IssueOriginalUrl(artist_, track.id).grant.url));

  SignedGrant put_grant = grant;
  put_grant.method = "PUT";
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Open(put_grant); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(endpoint_.Open(grant).content_type, "application/octet-stream");
  blobs_.Remove(track.blob_key);
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Open(grant); }).code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cadenza::track_testing

namespace cadenza {
namespace {

class TrackOriginalUrlTest : public track_testing::TrackFixture {};

TEST_F(TrackOriginalUrlTest, OnlyTheOwnerGetsTheMaster) {
  Track track = UploadTrack(artist_, album_, "master bytes");
  OriginalTicket ticket = tracks_.IssueOriginalUrl(artist_, track.id);
  EXPECT_EQ(ticket.size_bytes, 12);
  SignedGrant grant = endpoint_.Verify(BlobAccess::kRead, track.blob_key, track_testing::QueryOf(ticket.grant.url));
  EXPECT_EQ(grant.user_id, artist_.user_id);
  for (const Principal& outsider : {listener_, other_artist_}) {
    try {
      tracks_.IssueOriginalUrl(outsider, track.id);
      FAIL() << "an outsider got the master";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
    }
  }
}

}  // namespace
}  // namespace cadenza
