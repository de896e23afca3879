// Revoking credentials (token versions) and slowing down guessing (login and sign-up
// throttles) in AccountService, over real SQLite and Argon2id.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "account_test_env.h"
#include "services/account_service.h"
#include "services/attempt_throttle.h"

namespace cadenza {
namespace {

using std::chrono::seconds;
using test_env::ErrorFrom;

class AccountRevocationTest : public test_env::ServiceTestEnv {
 protected:
  AuthResult NewListener(const std::string& email = "ada@example.com") {
    return accounts_->Register(email, kPassword, "Ada", Role::kListener);
  }

  static void ExpectRevoked(AccountService& accounts, const std::string& token) {
    Error e = ErrorFrom([&] { accounts.Authenticate(token); });
    EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
    EXPECT_NE(std::string(e.what()).find("revoked"), std::string::npos) << e.what();
  }
};

TEST_F(AccountRevocationTest, APasswordChangeRevokesEarlierTokensAndHandsOutAFreshOne) {
  AuthResult registered = NewListener();
  std::string other_session = accounts_->Login("ada@example.com", kPassword).token.token;
  Principal ada = accounts_->Authenticate(registered.token.token);

  UserPatch patch;
  patch.new_password = "a brand new secret";
  patch.current_password = kPassword;
  ProfileUpdate update = accounts_->UpdateMe(ada, patch);

  ASSERT_TRUE(update.token);
  EXPECT_EQ(update.user.token_version, registered.user.token_version + 1);
  EXPECT_EQ(accounts_->Authenticate(update.token->token).user_id, ada.user_id);
  ExpectRevoked(*accounts_, registered.token.token);
  ExpectRevoked(*accounts_, other_session);
  EXPECT_NO_THROW(accounts_->Authenticate(
      accounts_->Login("ada@example.com", "a brand new secret").token.token));
}

TEST_F(AccountRevocationTest, DisablingRevokesTokensForGoodEvenOnceEnabledAgain) {
  AuthResult registered = NewListener();
  accounts_->SetDisabled(registered.user.id, true);
  EXPECT_EQ(ErrorFrom([&] { accounts_->Authenticate(registered.token.token); }).code(),
            ErrorCode::kUnauthenticated);
  accounts_->SetDisabled(registered.user.id, false);
  ExpectRevoked(*accounts_, registered.token.token);
  EXPECT_NO_THROW(
      accounts_->Authenticate(accounts_->Login("ada@example.com", kPassword).token.token));
}

TEST_F(AccountRevocationTest, ARoleChangeRevokesTokens) {
  AuthResult registered = NewListener();
  User promoted = accounts_->SetRole("ADA@example.com", Role::kArtist);
  EXPECT_EQ(promoted.role, Role::kArtist);
  ExpectRevoked(*accounts_, registered.token.token);
  AuthResult again = accounts_->Login("ada@example.com", kPassword);
  EXPECT_EQ(accounts_->Authenticate(again.token.token).role, Role::kArtist);

  // Setting the role it already has changes nothing, tokens included.
  accounts_->SetRole(registered.user.id, Role::kArtist);
  EXPECT_NO_THROW(accounts_->Authenticate(again.token.token));
  EXPECT_EQ(ErrorFrom([&] { accounts_->SetRole("nobody@example.com", Role::kAdmin); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(AccountRevocationTest, ChangingTheEmailNeedsTheCurrentPassword) {
  AuthResult registered = NewListener();
  Principal ada{registered.user.id, registered.user.role};
  UserPatch patch;
  patch.email = "taken-over@example.com";

  Error missing = ErrorFrom([&] { accounts_->UpdateMe(ada, patch); });
  EXPECT_EQ(missing.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.field(), "currentPassword");
  EXPECT_STREQ(missing.what(), "currentPassword is required to change the email");

  patch.current_password = "not the password";
  Error wrong = ErrorFrom([&] { accounts_->UpdateMe(ada, patch); });
  EXPECT_EQ(wrong.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong.field(), "currentPassword");
  EXPECT_EQ(accounts_->GetUser(ada.user_id).email, "ada@example.com");

  patch.current_password = kPassword;
  EXPECT_EQ(accounts_->UpdateMe(ada, patch).user.email, "taken-over@example.com");
  // The email is not a credential: tokens survive it.
  EXPECT_NO_THROW(accounts_->Authenticate(registered.token.token));
}

class AccountThrottleTest : public AccountRevocationTest {
 protected:
  static ThrottlePolicy Policy(int free_attempts) {
    ThrottlePolicy policy;
    policy.free_attempts = free_attempts;
    policy.first_wait = seconds(30);
    return policy;
  }

  void SetUp() override {
    AccountRevocationTest::SetUp();
    throttled_ = std::make_unique<AccountService>(
        *catalog_, hasher_, tokens_, ids_, clock_, AccountOptions{},
        AccountThrottles{&per_account_, &per_client_, &registrations_});
  }

  void TearDown() override {
    throttled_.reset();
    AccountRevocationTest::TearDown();
  }

  void FailLogins(const std::string& email, const std::string& client, int times) {
    for (int i = 0; i < times; ++i) {
      EXPECT_EQ(ErrorFrom([&] { throttled_->Login(email, "wrong password", client); }).code(),
                ErrorCode::kUnauthenticated);
    }
  }

  static seconds RetryAfter(const std::function<void()>& attempt) {
    try {
      attempt();
    } catch (const TooManyAttempts& e) {
      EXPECT_EQ(e.code(), ErrorCode::kTooManyRequests);
      return e.retry_after();
    }
    ADD_FAILURE() << "the attempt was not throttled";
    return seconds(0);
  }

  test_support::ManualClock throttle_clock_{1'000'000};
  InMemoryAttemptThrottle per_account_{throttle_clock_, Policy(5)};
  InMemoryAttemptThrottle per_client_{throttle_clock_, Policy(8)};
  InMemoryAttemptThrottle registrations_{throttle_clock_, Policy(3)};
  std::unique_ptr<AccountService> throttled_;
};

TEST_F(AccountThrottleTest, RepeatedFailuresThrottleTheAccountEvenForTheRightPassword) {
  NewListener();
  FailLogins("ada@example.com", "10.0.0.1", 5);
  seconds wait = RetryAfter([&] { throttled_->Login("ADA@example.com", kPassword, "10.0.0.2"); });
  EXPECT_EQ(wait, seconds(30));

  throttle_clock_.Advance(wait);
  EXPECT_NO_THROW(throttled_->Login("ada@example.com", kPassword, "10.0.0.2"));
  // The success cleared the account's count: five more failures before the next wait.
  FailLogins("ada@example.com", "10.0.0.3", 4);
  EXPECT_NO_THROW(throttled_->Login("ada@example.com", kPassword, "10.0.0.3"));
}

TEST_F(AccountThrottleTest, UnknownEmailsAreThrottledAlike) {
  FailLogins("nobody@example.com", "10.0.0.1", 5);
  EXPECT_EQ(RetryAfter([&] { throttled_->Login("nobody@example.com", kPassword, "10.0.0.9"); }),
            seconds(30));
}

TEST_F(AccountThrottleTest, RepeatedFailuresFromOneAddressThrottleIt) {
  NewListener();
  for (int i = 0; i < 8; ++i) FailLogins("guess" + std::to_string(i) + "@example.com", "10.0.0.1", 1);
  Error e = ErrorFrom([&] { throttled_->Login("ada@example.com", kPassword, "10.0.0.1"); });
  EXPECT_EQ(e.code(), ErrorCode::kTooManyRequests);
  EXPECT_NE(std::string(e.what()).find("from your address"), std::string::npos) << e.what();
  EXPECT_NO_THROW(throttled_->Login("ada@example.com", kPassword, "10.0.0.2"));
}

TEST_F(AccountThrottleTest, SignUpsPerAddressAreLimitedTakenEmailsIncluded) {
  throttled_->Register("a@example.com", kPassword, "A", Role::kListener, "10.0.0.1");
  EXPECT_EQ(ErrorFrom([&] {
              throttled_->Register("A@example.com", kPassword, "A", Role::kListener, "10.0.0.1");
            }).code(),
            ErrorCode::kConflict);
  throttled_->Register("b@example.com", kPassword, "B", Role::kListener, "10.0.0.1");
  seconds wait = RetryAfter(
      [&] { throttled_->Register("c@example.com", kPassword, "C", Role::kListener, "10.0.0.1"); });
  EXPECT_EQ(wait, seconds(30));
  EXPECT_NO_THROW(
      throttled_->Register("c@example.com", kPassword, "C", Role::kListener, "10.0.0.2"));
}

}  // namespace
}  // namespace cadenza
