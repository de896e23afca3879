#pragma once
// Rows a service test starts from, written straight into the catalogue: an account of a role,
// and an album under a new artist of an account. Names carry the id, so rows never clash.
#include "domain/entities.h"
#include "domain/principal.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/id_generator.h"

namespace cadenza::test_support {

inline Principal SeedUser(Catalog& catalog, const IdGenerator& ids, const Clock& clock, Role role) {
  User user;
  user.id = ids.Next();
  user.email = user.id + "@example.test";
  user.password_hash = "$argon2id$unused";
  user.display_name = "user " + user.id.substr(0, 8);
  user.role = role;
  user.created_at = user.updated_at = clock.Now();
  catalog.Write([&](CatalogTransaction& tx) { tx.users().Insert(user); });
  return Principal{user.id, role};
}

inline Album SeedAlbum(Catalog& catalog, const IdGenerator& ids, const Clock& clock,
                       const Principal& owner) {
  Artist artist;
  artist.id = ids.Next();
  artist.owner_user_id = owner.user_id;
  artist.name = "artist " + artist.id.substr(0, 8);
  artist.created_at = artist.updated_at = clock.Now();
  Album album;
  album.id = ids.Next();
  album.artist_id = artist.id;
  album.title = "album " + album.id.substr(0, 8);
  album.created_at = album.updated_at = clock.Now();
  catalog.Write([&](CatalogTransaction& tx) {
    tx.artists().Insert(artist);
    tx.albums().Insert(album);
  });
  return album;
}

}  // namespace cadenza::test_support
