// The in-memory attempt throttle on a manual clock: free attempts, growing waits, forgetting
// idle keys, resets, and the bound on tracked keys.
#include "services/attempt_throttle.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using std::chrono::seconds;
using test_support::ManualClock;

ThrottlePolicy Policy(std::size_t max_keys = 100) {
  ThrottlePolicy policy;
  policy.free_attempts = 3;
  policy.window = seconds(900);
  policy.first_wait = seconds(30);
  policy.max_wait = seconds(120);
  policy.max_keys = max_keys;
  return policy;
}

TEST(AttemptThrottleTest, LetsTheFreeAttemptsThroughThenImposesAWait) {
  ManualClock clock(1'000'000);
  InMemoryAttemptThrottle throttle(clock, Policy());
  throttle.Record("a");
  throttle.Record("a");
  EXPECT_EQ(throttle.Wait("a"), seconds(0));
  throttle.Record("a");  // the third: from now on each attempt waits
  EXPECT_EQ(throttle.Wait("a"), seconds(30));
  EXPECT_EQ(throttle.Wait("b"), seconds(0)) << "other keys are not affected";
  clock.Advance(std::chrono::milliseconds(29'500));
  EXPECT_EQ(throttle.Wait("a"), seconds(1)) << "rounded up, never zero while blocked";
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_EQ(throttle.Wait("a"), seconds(0));
}

TEST(AttemptThrottleTest, EachFurtherAttemptDoublesTheWaitUpToTheMaximum) {
  ManualClock clock(0);
  InMemoryAttemptThrottle throttle(clock, Policy());
  for (int i = 0; i < 3; ++i) throttle.Record("a");
  EXPECT_EQ(throttle.Wait("a"), seconds(30));
  const seconds expected[] = {seconds(60), seconds(120), seconds(120), seconds(120)};
  for (seconds wait : expected) {
    clock.Advance(throttle.Wait("a"));
    throttle.Record("a");
    EXPECT_EQ(throttle.Wait("a"), wait);
  }
}

TEST(AttemptThrottleTest, ForgetsAKeyAfterAQuietWindowAndOnReset) {
  ManualClock clock(0);
  InMemoryAttemptThrottle throttle(clock, Policy());
  for (int i = 0; i < 3; ++i) throttle.Record("a");
  clock.Advance(seconds(900));
  EXPECT_EQ(throttle.Wait("a"), seconds(0));
  EXPECT_EQ(throttle.TrackedKeys(), 0u);
  throttle.Record("a");
  throttle.Record("a");
  EXPECT_EQ(throttle.Wait("a"), seconds(0)) << "counting starts again from zero";

  throttle.Record("a");
  EXPECT_GT(throttle.Wait("a").count(), 0);
  throttle.Reset("a");
  EXPECT_EQ(throttle.Wait("a"), seconds(0));
  throttle.Reset("never seen");  // harmless
}

TEST(AttemptThrottleTest, TracksABoundedNumberOfKeysDroppingTheLeastRecent) {
  ManualClock clock(0);
  InMemoryAttemptThrottle throttle(clock, Policy(/*max_keys=*/3));
  for (int i = 0; i < 3; ++i) throttle.Record("old");
  for (const char* key : {"k1", "k2", "k3", "k4"}) {
    clock.Advance(seconds(1));
    throttle.Record(key);
  }
  EXPECT_EQ(throttle.TrackedKeys(), 3u);
  EXPECT_EQ(throttle.Wait("old"), seconds(0)) << "the least recently active key was dropped";
  for (int i = 0; i < 2; ++i) throttle.Record("k4");
  EXPECT_GT(throttle.Wait("k4").count(), 0) << "recent keys keep their count";
}

TEST(AttemptThrottleTest, TooManyAttemptsIsA429WithItsWait) {
  TooManyAttempts error("wait", seconds(42));
  EXPECT_EQ(error.code(), ErrorCode::kTooManyRequests);
  EXPECT_EQ(error.retry_after(), seconds(42));
}

}  // namespace
}  // namespace cadenza
