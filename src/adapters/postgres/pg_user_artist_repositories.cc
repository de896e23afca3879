#include <string>

#include "adapters/postgres/pg_paging.h"
#include "adapters/postgres/pg_repositories.h"
#include "domain/error.h"
#include "domain/role.h"

namespace cadenza::pg {
namespace {

constexpr char kUserSelect[] =
    "SELECT id, email, password_hash, display_name, role, disabled_at, created_at, updated_at, "
    "token_version FROM users ";

User ReadUser(const Result& r, int row) {
  User user;
  user.id = r.Text(row, 0);
  user.email = r.Text(row, 1);
  user.password_hash = r.Text(row, 2);
  user.display_name = r.Text(row, 3);
  std::string role = r.Text(row, 4);
  auto parsed = ParseRole(role);
  if (!parsed) throw Error(ErrorCode::kInternal, "user " + user.id + " has unknown role " + role);
  user.role = *parsed;
  user.disabled_at = r.OptionalInt(row, 5);
  user.created_at = r.Int(row, 6);
  user.updated_at = r.Int(row, 7);
  user.token_version = r.Int(row, 8);
  return user;
}

std::optional<User> FindUser(Connection& conn, const std::string& sql, std::string_view value) {
  Result r = conn.Exec(sql, Params().Text(value));
  if (r.Rows() == 0) return std::nullopt;
  return ReadUser(r, 0);
}

constexpr char kArtistSelect[] =
    "SELECT id, owner_user_id, name, bio, created_at, updated_at FROM artists ";

Artist ReadArtist(const Result& r, int row) {
  Artist artist;
  artist.id = r.Text(row, 0);
  artist.owner_user_id = r.Text(row, 1);
  artist.name = r.Text(row, 2);
  artist.bio = r.OptionalText(row, 3);
  artist.created_at = r.Int(row, 4);
  artist.updated_at = r.Int(row, 5);
  return artist;
}

}  // namespace

void PgUserRepository::Insert(const User& user) {
  conn_.ExecGuarded(
      "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, "
      "created_at, updated_at, token_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      Params()
          .Text(user.id)
          .Text(user.email)
          .Text(user.password_hash)
          .Text(user.display_name)
          .Text(RoleName(user.role))
          .Int(user.disabled_at)
          .Int(user.created_at)
          .Int(user.updated_at)
          .Int(user.token_version));
}

std::optional<User> PgUserRepository::FindById(std::string_view id) {
  return FindUser(conn_, std::string(kUserSelect) + "WHERE id = $1", id);
}

std::optional<User> PgUserRepository::FindByEmail(std::string_view email) {
  // lower() under the column's "C" collation folds ASCII letters only, and uses the index.
  return FindUser(conn_, std::string(kUserSelect) + "WHERE lower(email) = lower($1)", email);
}

void PgUserRepository::Update(const User& user) {
  Result r = conn_.ExecGuarded(
      "UPDATE users SET email = $2, password_hash = $3, display_name = $4, role = $5, "
      "disabled_at = $6, updated_at = $7, token_version = $8 WHERE id = $1",
      Params()
          .Text(user.id)
          .Text(user.email)
          .Text(user.password_hash)
          .Text(user.display_name)
          .Text(RoleName(user.role))
          .Int(user.disabled_at)
          .Int(user.updated_at)
          .Int(user.token_version));
  if (r.Affected() == 0) throw NotFound("user not found");
}

void PgUserRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM users WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("user not found");
}

Page<User> PgUserRepository::List(const PageRequest& page) {
  Params params;
  AddPage(params, page);
  Result r = conn_.Exec(std::string(kUserSelect) + "WHERE " + KeysetTail(page, 1), params);
  return CollectPage<User>(r, page.limit, ReadUser);
}

void PgArtistRepository::Insert(const Artist& artist) {
  conn_.ExecGuarded(
      "INSERT INTO artists (id, owner_user_id, name, bio, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      Params()
          .Text(artist.id)
          .Text(artist.owner_user_id)
          .Text(artist.name)
          .Text(artist.bio)
          .Int(artist.created_at)
          .Int(artist.updated_at));
}

std::optional<Artist> PgArtistRepository::FindById(std::string_view id) {
  Result r = conn_.Exec(std::string(kArtistSelect) + "WHERE id = $1", Params().Text(id));
  if (r.Rows() == 0) return std::nullopt;
  return ReadArtist(r, 0);
}

void PgArtistRepository::Update(const Artist& artist) {
  Result r = conn_.ExecGuarded(
      "UPDATE artists SET owner_user_id = $2, name = $3, bio = $4, updated_at = $5 WHERE id = $1",
      Params()
          .Text(artist.id)
          .Text(artist.owner_user_id)
          .Text(artist.name)
          .Text(artist.bio)
          .Int(artist.updated_at));
  if (r.Affected() == 0) throw NotFound("artist not found");
}

void PgArtistRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM artists WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("artist not found");
}

Page<Artist> PgArtistRepository::List(const PageRequest& page) {
  Params params;
  AddPage(params, page);
  Result r = conn_.Exec(std::string(kArtistSelect) + "WHERE " + KeysetTail(page, 1), params);
  return CollectPage<Artist>(r, page.limit, ReadArtist);
}

Page<Artist> PgArtistRepository::ListByOwner(std::string_view owner_user_id,
                                             const PageRequest& page) {
  Params params;
  params.Text(owner_user_id);
  AddPage(params, page);
  Result r = conn_.Exec(
      std::string(kArtistSelect) + "WHERE owner_user_id = $1 AND " + KeysetTail(page, 2), params);
  return CollectPage<Artist>(r, page.limit, ReadArtist);
}

}  // namespace cadenza::pg
