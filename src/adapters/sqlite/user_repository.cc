#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"
#include "domain/role.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, email, password_hash, display_name, role, disabled_at, created_at, updated_at, "
    "token_version FROM users ";

User ReadUser(const Statement& s) {
  User user;
  user.id = s.ColumnText(0);
  user.email = s.ColumnText(1);
  user.password_hash = s.ColumnText(2);
  user.display_name = s.ColumnText(3);
  std::string role = s.ColumnText(4);
  auto parsed = ParseRole(role);
  if (!parsed) throw Error(ErrorCode::kInternal, "user " + user.id + " has unknown role " + role);
  user.role = *parsed;
  user.disabled_at = s.ColumnOptionalInt(5);
  user.created_at = s.ColumnInt(6);
  user.updated_at = s.ColumnInt(7);
  user.token_version = s.ColumnInt(8);
  return user;
}

std::optional<User> FindOne(Connection& conn, const std::string& sql, std::string_view value) {
  auto query = conn.Prepare(sql);
  query->BindText(1, value);
  if (!query->Step()) return std::nullopt;
  return ReadUser(*query);
}

}  // namespace

void SqliteUserRepository::Insert(const User& user) {
  auto insert = conn_.Prepare(
      "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, "
      "created_at, updated_at, token_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  insert->BindText(1, user.id)
      .BindText(2, user.email)
      .BindText(3, user.password_hash)
      .BindText(4, user.display_name)
      .BindText(5, RoleName(user.role))
      .BindInt(6, user.disabled_at)
      .BindInt(7, user.created_at)
      .BindInt(8, user.updated_at)
      .BindInt(9, user.token_version);
  insert->Run();
}

std::optional<User> SqliteUserRepository::FindById(std::string_view id) {
  return FindOne(conn_, std::string(kSelect) + "WHERE id = ?1", id);
}

std::optional<User> SqliteUserRepository::FindByEmail(std::string_view email) {
  // The column's NOCASE collation applies to the comparison (and lets it use the index).
  return FindOne(conn_, std::string(kSelect) + "WHERE email = ?1", email);
}

void SqliteUserRepository::Update(const User& user) {
  auto update = conn_.Prepare(
      "UPDATE users SET email = ?2, password_hash = ?3, display_name = ?4, role = ?5, "
      "disabled_at = ?6, updated_at = ?7, token_version = ?8 WHERE id = ?1");
  update->BindText(1, user.id)
      .BindText(2, user.email)
      .BindText(3, user.password_hash)
      .BindText(4, user.display_name)
      .BindText(5, RoleName(user.role))
      .BindInt(6, user.disabled_at)
      .BindInt(7, user.updated_at)
      .BindInt(8, user.token_version);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("user not found");
}

void SqliteUserRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM users WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("user not found");
}

Page<User> SqliteUserRepository::List(const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE " + KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  return CollectPage<User>(*query, page.limit, ReadUser);
}

}  // namespace cadenza::sqlite
