#include <gtest/gtest.h>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using UserRepositoryTest = CatalogTest;

TEST_F(UserRepositoryTest, InsertThenFindByIdReturnsEveryField) {
  User user = MakeUser("u1", "Ada@Example.com", Role::kAdmin);
  user.disabled_at = 1700000009999;
  user.token_version = 3;
  Write([&](CatalogTransaction& tx) { tx.users().Insert(user); });

  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.users().FindById("u1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "u1");
  EXPECT_EQ(found->email, "Ada@Example.com");  // stored as given
  EXPECT_EQ(found->password_hash, user.password_hash);
  EXPECT_EQ(found->display_name, user.display_name);
  EXPECT_EQ(found->role, Role::kAdmin);
  EXPECT_EQ(found->disabled_at, 1700000009999);
  EXPECT_EQ(found->created_at, user.created_at);
  EXPECT_EQ(found->updated_at, user.updated_at);
  EXPECT_EQ(found->token_version, 3);

  found->token_version = 4;
  Write([&](CatalogTransaction& tx) { tx.users().Update(*found); });
  EXPECT_EQ(catalog_->ReadValue([](CatalogTransaction& tx) { return tx.users().FindById("u1"); })
                ->token_version,
            4);
}

TEST_F(UserRepositoryTest, FindReturnsNulloptWhenAbsent) {
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("nobody").has_value());
    EXPECT_FALSE(tx.users().FindByEmail("nobody@example.com").has_value());
  });
}

TEST_F(UserRepositoryTest, FindByEmailIgnoresCase) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "Ada@Example.com")); });
  Read([](CatalogTransaction& tx) {
    auto found = tx.users().FindByEmail("aDA@eXAMPLE.COM");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, "u1");
  });
}

TEST_F(UserRepositoryTest, EmailTakenInAnyCaseIsConflict) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "ada@example.com")); });
  auto code = ThrownCode([&] {
    Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "ADA@example.COM")); });
  });
  EXPECT_EQ(code, ErrorCode::kConflict);
  EXPECT_EQ(
      ThrownMessage([&] {
        Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u3", "Ada@Example.com")); });
      }),
      "a user with this email already exists");
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.users().FindById("u2").has_value()); });
}

TEST_F(UserRepositoryTest, DuplicateIdIsConflict) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  EXPECT_EQ(
      ThrownCode([&] {
        Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "b@example.com")); });
      }),
      ErrorCode::kConflict);
}

TEST_F(UserRepositoryTest, UpdateWritesAllMutableFields) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  User changed = MakeUser("u1", "new@example.com", Role::kListener);
  changed.password_hash = "$argon2id$new";
  changed.display_name = "New Name";
  changed.disabled_at = 1700000050000;
  changed.created_at = 1;  // ignored: creation time never changes
  changed.updated_at = 1700000060000;
  Write([&](CatalogTransaction& tx) { tx.users().Update(changed); });

  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.users().FindById("u1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->email, "new@example.com");
  EXPECT_EQ(found->password_hash, "$argon2id$new");
  EXPECT_EQ(found->display_name, "New Name");
  EXPECT_EQ(found->role, Role::kListener);
  EXPECT_EQ(found->disabled_at, 1700000050000);
  EXPECT_EQ(found->created_at, 1700000000000);
  EXPECT_EQ(found->updated_at, 1700000060000);

  // Clearing the optional field stores NULL again.
  changed.disabled_at.reset();
  Write([&](CatalogTransaction& tx) { tx.users().Update(changed); });
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.users().FindById("u1")->disabled_at); });
}

TEST_F(UserRepositoryTest, UpdateToAnEmailTakenByAnotherUserIsConflict) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    tx.users().Insert(MakeUser("u2", "b@example.com"));
  });
  EXPECT_EQ(
      ThrownCode([&] {
        Write([](CatalogTransaction& tx) { tx.users().Update(MakeUser("u2", "A@EXAMPLE.com")); });
      }),
      ErrorCode::kConflict);
}

TEST_F(UserRepositoryTest, UpdateOrDeleteOfMissingUserIsNotFound) {
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.users().Update(MakeUser("u9", "x@y.z")); });
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.users().Delete("u9"); }); }),
            ErrorCode::kNotFound);
}

TEST_F(UserRepositoryTest, DeleteRemovesTheUser) {
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  Write([](CatalogTransaction& tx) { tx.users().Delete("u1"); });
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("u1").has_value());
    EXPECT_FALSE(tx.users().FindByEmail("a@example.com").has_value());
  });
  // The email is free again.
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "a@example.com")); });
}

TEST_F(UserRepositoryTest, ListPagesInIdOrder) {
  Write([](CatalogTransaction& tx) {
    for (std::string id : {"u3", "u1", "u2"}) tx.users().Insert(MakeUser(id, id + "@example.com"));
  });
  auto first = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.users().List(PageRequest{.limit = 2}); });
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, "u1");
  EXPECT_EQ(first.items[1].id, "u2");
  EXPECT_EQ(first.next_after_id, "u2");
  auto second = catalog_->ReadValue([&](CatalogTransaction& tx) {
    return tx.users().List(PageRequest{.limit = 2, .after_id = first.next_after_id});
  });
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, "u3");
  EXPECT_FALSE(second.next_after_id.has_value());
}

}  // namespace
}  // namespace cadenza::testing
