// /api/v1/artists... and /api/v1/albums...
#include <any>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/common.h"
#include "api/dto.h"
#include "api/routes.h"
#include "domain/error.h"
#include "domain/permissions.h"
#include "services/catalog_service.h"
#include "services/image_work_pool.h"

namespace cadenza::api {

namespace {

constexpr std::int64_t kMaxCoverBytes = 10 << 20;

// The media type is checked before the body is read; the decoder then trusts only the bytes.
void RequireImageType(const http::Request& head) {
  std::string_view type = head.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type != "image/jpeg" && type != "image/png" && type != "image/webp") {
    throw Error(ErrorCode::kUnsupportedMedia,
                "send cover art as image/jpeg, image/png or image/webp (Content-Type)");
  }
}

template <class T>
boost::json::object ListBody(const Page<T>& page) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const T& item : page.items) items.push_back(ToJson(item));
  return PageBody(std::move(items), page.next_after_id);
}

http::Response Created(const std::string& collection, boost::json::object resource) {
  std::string location = "/api/v1/" + collection + "/" + resource.at("id").as_string().c_str();
  http::Response response = http::Response::Json(201, resource);
  response.SetHeader("Location", location);
  return response;
}

http::Response Deleted(const std::string& id) {
  return http::Response::Json(200, boost::json::object{{"id", id}});
}

boost::json::object AlbumBody(const AlbumWithTracks& album) {
  boost::json::object body = ToJson(album.album);
  boost::json::array tracks;
  tracks.reserve(album.tracks.size());
  for (const Track& track : album.tracks) tracks.push_back(ToJson(track));
  body["tracks"] = std::move(tracks);
  return body;
}

// An artistId in a body: its shape is checked here, its existence by the service (422).
std::optional<std::string> OptionalId(const boost::json::object& body, std::string_view field) {
  if (!body.contains(field)) return std::nullopt;
  return RequiredId(body, field);
}

// Who may call the catalogue routes.
struct CatalogAccess {
  http::Access reader = http::Access::AnyAccount();
  // Only roles that may write the catalogue get this far; the service checks ownership.
  http::Access creator = http::Access::RoleFor(Action::kCreateCatalog);
  http::Access writer = http::Access::RoleFor(Action::kModifyCatalog);
};

void RegisterArtistRoutes(http::Router& router, CatalogService& catalog) {
  const CatalogAccess access;
  router.AddAuthenticated("GET", "/api/v1/artists", access.reader,
                          [&](http::Request& request, const Principal& who) {
                            PageRequest page = ParsePage(request);
                            return http::Response::Json(
                                200, ListBody(catalog.ListArtists(who, page, MineOnly(request))));
                          });

  router.AddAuthenticated("POST", "/api/v1/artists", access.creator,
                          [&](http::Request& request, const Principal& who) {
                            boost::json::object body = ParseJsonObject(request);
                            RejectUnknownFields(body, {"name", "bio"});
                            ArtistDraft draft;
                            draft.name = RequiredText(body, "name", kNameLimits);
                            draft.bio = OptionalText(body, "bio", kBioLimits, /*null_clears=*/true);
                            return Created("artists", ToJson(catalog.CreateArtist(who, draft)));
                          });

  router.AddAuthenticated("GET", "/api/v1/artists/{id}", access.reader,
                          [&](http::Request& request, const Principal& who) {
                            return http::Response::Json(
                                200, ToJson(catalog.GetArtist(who, PathId(request))));
                          });

  router.AddAuthenticated("PATCH", "/api/v1/artists/{id}", access.writer,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            boost::json::object body = ParseJsonObject(request);
                            RejectUnknownFields(body, {"name", "bio"});
                            ArtistPatch patch;
                            patch.name = OptionalText(body, "name", kNameLimits);
                            patch.bio = OptionalText(body, "bio", kBioLimits, /*null_clears=*/true);
                            return http::Response::Json(
                                200, ToJson(catalog.UpdateArtist(who, id, patch)));
                          });

  router.AddAuthenticated("DELETE", "/api/v1/artists/{id}", access.writer,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            catalog.DeleteArtist(who, id);
                            return Deleted(id);
                          });

  router.AddAuthenticated("GET", "/api/v1/artists/{id}/albums", access.reader,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            return http::Response::Json(200, ListBody(catalog.ListAlbumsByArtist(
                                                                 who, id, ParsePage(request))));
                          });
}

void RegisterAlbumRoutes(http::Router& router, CatalogService& catalog, ImageWorkPool* image_pool) {
  const CatalogAccess access;
  router.AddAuthenticated(
      "GET", "/api/v1/albums", access.reader, [&](http::Request& request, const Principal& who) {
        return http::Response::Json(200, ListBody(catalog.ListAlbums(who, ParsePage(request))));
      });

  router.AddAuthenticated(
      "POST", "/api/v1/albums", access.creator, [&](http::Request& request, const Principal& who) {
        boost::json::object body = ParseJsonObject(request);
        RejectUnknownFields(body, {"artistId", "title", "releaseDate"});
        AlbumDraft draft;
        draft.artist_id = RequiredId(body, "artistId");
        draft.title = RequiredText(body, "title", kTitleLimits);
        draft.release_date =
            OptionalText(body, "releaseDate", kReleaseDateLimits, /*null_clears=*/true);
        return Created("albums", ToJson(catalog.CreateAlbum(who, draft)));
      });

  router.AddAuthenticated("GET", "/api/v1/albums/{id}", access.reader,
                          [&](http::Request& request, const Principal& who) {
                            return http::Response::Json(
                                200, AlbumBody(catalog.GetAlbum(who, PathId(request))));
                          });

  router.AddAuthenticated(
      "PATCH", "/api/v1/albums/{id}", access.writer,
      [&](http::Request& request, const Principal& who) {
        std::string id = PathId(request);
        boost::json::object body = ParseJsonObject(request);
        RejectUnknownFields(body, {"artistId", "title", "releaseDate"});
        AlbumPatch patch;
        patch.artist_id = OptionalId(body, "artistId");
        patch.title = OptionalText(body, "title", kTitleLimits);
        patch.release_date =
            OptionalText(body, "releaseDate", kReleaseDateLimits, /*null_clears=*/true);
        return http::Response::Json(200, ToJson(catalog.UpdateAlbum(who, id, patch)));
      });

  http::RouteOptions cover_options;
  cover_options.max_body_bytes = kMaxCoverBytes;
  // The place in the image pool is taken before the body is read, so a busy server refuses
  // an upload without receiving it; the request holds the place until it is answered.
  cover_options.before_body = [image_pool](const http::Request& head, std::int64_t&) {
    RequireImageType(head);
    return image_pool != nullptr ? std::any(image_pool->Admit()) : std::any();
  };
  router.AddAuthenticated(
      "PUT", "/api/v1/albums/{id}/cover", access.writer,
      [&](http::Request& request, const Principal& who) {
        std::string id = PathId(request);
        RequireImageType(request);
        return http::Response::Json(200, ToJson(catalog.SetAlbumCover(who, id, request.body)));
      },
      cover_options);

  router.AddAuthenticated("DELETE", "/api/v1/albums/{id}", access.writer,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            catalog.DeleteAlbum(who, id);
                            return Deleted(id);
                          });
}

}  // namespace

void RegisterCatalogRoutes(http::Router& router, CatalogService& catalog,
                           ImageWorkPool* image_pool) {
  RegisterArtistRoutes(router, catalog);
  RegisterAlbumRoutes(router, catalog, image_pool);
}

}  // namespace cadenza::api
