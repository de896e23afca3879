// The wire format of events on Kafka: stable field names, a round trip that keeps every field,
// and a refusal (with a reason) of whatever is not an event.
#include "adapters/kafka/event_codec.h"

#include <gtest/gtest.h>

namespace cadenza::kafka {
namespace {

Event Sample() {
  Event event;
  event.id = "0190f5c2-7b1e-7000-8000-000000000001";
  event.type = "play_ended";
  event.key = "user-1";
  event.user_id = "user-1";
  event.subject_id = "track-9";
  event.position_ms = 183'000;
  event.occurred_at = 1'764'000'000'123;
  event.recorded_at = 1'764'000'000'456;
  event.attributes_json = R"({"completed":true})";
  return event;
}

TEST(EventCodecTest, EncodesOneStableJsonObject) {
  EXPECT_EQ(EncodeEvent(Sample()),
            R"({"v":1,"id":"0190f5c2-7b1e-7000-8000-000000000001","type":"play_ended","key":"user-1",)"
            R"("userId":"user-1","subjectId":"track-9","positionMs":183000,"occurredAt":1764000000123,)"
            R"("recordedAt":1764000000456,"attributes":{"completed":true}})");
}

TEST(EventCodecTest, RoundTripKeepsEveryField) {
  std::string reason;
  std::optional<Event> decoded = DecodeEvent(EncodeEvent(Sample()), &reason);
  ASSERT_TRUE(decoded) << reason;
  Event expected = Sample();
  EXPECT_EQ(decoded->id, expected.id);
  EXPECT_EQ(decoded->type, expected.type);
  EXPECT_EQ(decoded->key, expected.key);
  EXPECT_EQ(decoded->user_id, expected.user_id);
  EXPECT_EQ(decoded->subject_id, expected.subject_id);
  EXPECT_EQ(decoded->position_ms, expected.position_ms);
  EXPECT_EQ(decoded->occurred_at, expected.occurred_at);
  EXPECT_EQ(decoded->recorded_at, expected.recorded_at);
  EXPECT_EQ(decoded->attributes_json, expected.attributes_json);
}

TEST(EventCodecTest, RefusesWhatIsNotAnEventSayingWhy) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not JSON"},
      {std::string("\xff\x00\x01", 3), "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"id":"a","type":"t"})", "unknown format version"},
      {R"({"v":2,"id":"a","type":"t"})", "unknown format version"},
      {R"({"v":1,"type":"t"})", "no \"id\""},
      {R"({"v":1,"id":"","type":"t"})", "empty id or type"},
      {R"({"v":1,"id":7,"type":"t"})", "\"id\" is not a string"},
      {R"({"v":1,"id":"a","type":"t","positionMs":"x"})", "\"positionMs\" is not an integer"},
      {R"({"v":1,"id":"a","type":"t","attributes":[1]})", "\"attributes\" is not an object"},
  };
  for (const auto& [value, expected_reason] : cases) {
    std::string reason;
    EXPECT_FALSE(DecodeEvent(value, &reason)) << value;
    EXPECT_NE(reason.find(expected_reason), std::string::npos) << value << " -> " << reason;
  }
}

TEST(EventCodecTest, ListeningEventsAndCatalogueEventsHaveTopicsOfTheirOwn) {
  EXPECT_EQ(TopicFor("cadenza.", "play_started"), "cadenza.listening");
  EXPECT_EQ(TopicFor("cadenza.", "play_progress"), "cadenza.listening");
  EXPECT_EQ(TopicFor("cadenza.", "play_ended"), "cadenza.listening");
  EXPECT_EQ(TopicFor("cadenza.", "skipped"), "cadenza.listening");
  EXPECT_EQ(TopicFor("cadenza.", "playlist_changed"), "cadenza.catalog");
  EXPECT_EQ(TopicFor("x-", "track_uploaded"), "x-catalog");
  EXPECT_EQ(AllTopics("p."), (std::vector<std::string>{"p.listening", "p.catalog"}));
}

}  // namespace
}  // namespace cadenza::kafka
