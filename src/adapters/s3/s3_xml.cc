#include "adapters/s3/s3_xml.h"

#include <time.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cstdio>
#include <sstream>

#include "domain/error.h"

namespace cadenza::s3 {
namespace {

namespace pt = boost::property_tree;

pt::ptree ReadXml(std::string_view xml) {
  std::istringstream in{std::string(xml)};
  pt::ptree tree;
  try {
    pt::read_xml(in, tree, pt::xml_parser::trim_whitespace);
  } catch (const pt::ptree_error& e) {
    throw Error(ErrorCode::kUnavailable, std::string("S3 sent malformed XML: ") + e.what());
  }
  return tree;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::optional<Timestamp> FromUtcFields(struct tm& utc, int millis) {
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const time_t seconds = timegm(&utc);
  if (seconds == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<Timestamp>(seconds) * 1000 + millis;
}

}  // namespace

std::optional<S3ErrorBody> ParseErrorBody(std::string_view xml) {
  if (xml.find("<Error") == std::string_view::npos) return std::nullopt;
  try {
    pt::ptree tree = ReadXml(xml);
    auto error = tree.get_child_optional("Error");
    if (!error) return std::nullopt;
    return S3ErrorBody{error->get("Code", ""), error->get("Message", "")};
  } catch (const Error&) {
    return std::nullopt;
  }
}

ListPage ParseListObjectsV2(std::string_view xml) {
  pt::ptree tree = ReadXml(xml);
  auto result = tree.get_child_optional("ListBucketResult");
  if (!result) throw Error(ErrorCode::kUnavailable, "S3 sent no ListBucketResult");
  ListPage page;
  page.truncated = result->get("IsTruncated", "false") == "true";
  for (const auto& [name, child] : *result) {
    if (name != "Contents") continue;
    ListedObject object;
    object.name = child.get("Key", "");
    object.size = child.get<std::int64_t>("Size", 0);
    object.modified_at = ParseIsoTime(child.get("LastModified", "")).value_or(0);
    object.etag = UnquoteETag(child.get("ETag", ""));
    page.objects.push_back(std::move(object));
  }
  return page;
}

std::string ParseUploadId(std::string_view xml) {
  pt::ptree tree = ReadXml(xml);
  std::string id = tree.get("InitiateMultipartUploadResult.UploadId", "");
  if (id.empty()) throw Error(ErrorCode::kUnavailable, "S3 sent no UploadId");
  return id;
}

std::string ParseCompletedETag(std::string_view xml) {
  if (std::optional<S3ErrorBody> error = ParseErrorBody(xml)) {
    throw Error(ErrorCode::kUnavailable,
                "S3 could not complete the multipart upload: " + error->code + " " + error->message);
  }
  pt::ptree tree = ReadXml(xml);
  std::string etag = UnquoteETag(tree.get("CompleteMultipartUploadResult.ETag", ""));
  if (etag.empty()) throw Error(ErrorCode::kUnavailable, "S3 sent no ETag for the upload");
  return etag;
}

std::vector<std::string> ParseDeleteErrors(std::string_view xml) {
  std::vector<std::string> failures;
  if (xml.empty()) return failures;
  pt::ptree tree = ReadXml(xml);
  auto result = tree.get_child_optional("DeleteResult");
  if (!result) throw Error(ErrorCode::kUnavailable, "S3 sent no DeleteResult");
  for (const auto& [name, child] : *result) {
    if (name != "Error") continue;
    failures.push_back(child.get("Key", "") + ": " + child.get("Code", "") + " " +
                       child.get("Message", ""));
  }
  return failures;
}

std::string DeleteObjectsBody(const std::vector<std::string>& names) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
  for (const std::string& name : names) body += "<Object><Key>" + EscapeXml(name) + "</Key></Object>";
  body += "</Delete>";
  return body;
}

std::string CompleteMultipartBody(const std::vector<std::string>& etags) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            EscapeXml(etags[i]) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

std::optional<Timestamp> ParseIsoTime(std::string_view text) {
  struct tm utc {};
  int millis = 0;
  char tail[8] = {};
  const std::string copy(text);
  const int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%7s", &utc.tm_year,
                                 &utc.tm_mon, &utc.tm_mday, &utc.tm_hour, &utc.tm_min,
                                 &utc.tm_sec, &millis, tail);
  if (fields < 6) return std::nullopt;
  if (fields < 7) millis = 0;
  return FromUtcFields(utc, millis);
}

std::optional<Timestamp> ParseHttpDate(std::string_view text) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm utc {};
  char weekday[4] = {};
  char month[4] = {};
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d", weekday, &utc.tm_mday, month,
                  &utc.tm_year, &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 7) {
    return std::nullopt;
  }
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(month) == kMonths[i]) {
      utc.tm_mon = i + 1;
      return FromUtcFields(utc, 0);
    }
  }
  return std::nullopt;
}

std::string UnquoteETag(std::string_view etag) {
  if (etag.rfind("W/", 0) == 0) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

}  // namespace cadenza::s3
