// Reading S3's XML answers and dates.
#include "adapters/s3/s3_xml.h"

#include <gtest/gtest.h>

#include "domain/error.h"

namespace cadenza::s3 {
namespace {

TEST(S3XmlTest, ReadsAnErrorDocument) {
  std::optional<S3ErrorBody> error = ParseErrorBody(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "NoSuchBucket");
  EXPECT_EQ(error->message, "The specified bucket does not exist");
  EXPECT_FALSE(ParseErrorBody("").has_value());
  EXPECT_FALSE(ParseErrorBody("<Error><unclosed>").has_value());
}

TEST(S3XmlTest, ReadsAListingPage) {
  ListPage page = ParseListObjectsV2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
      "<Contents><Key>p/a&amp;b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
      "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size></Contents>"
      "<Contents><Key>p/c</Key><LastModified>2026-12-07T00:00:00Z</LastModified>"
      "<ETag>\"abc-2\"</ETag><Size>0</Size></Contents></ListBucketResult>");
  EXPECT_TRUE(page.truncated);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].name, "p/a&b");
  EXPECT_EQ(page.objects[0].size, 434234);
  EXPECT_EQ(page.objects[0].etag, "fba9dede5f27731c9771645a39863328");
  EXPECT_EQ(page.objects[0].modified_at, 1255369830000);
  EXPECT_EQ(page.objects[1].etag, "abc-2");
  EXPECT_EQ(page.objects[1].modified_at, 1796601600000);
  EXPECT_THROW(ParseListObjectsV2("<Nope/>"), Error);
}

TEST(S3XmlTest, ACompletionAnsweredWithAnErrorThrows) {
  EXPECT_EQ(ParseCompletedETag("<CompleteMultipartUploadResult><ETag>\"e-3\"</ETag>"
                               "</CompleteMultipartUploadResult>"),
            "e-3");
  try {
    ParseCompletedETag("<Error><Code>InternalError</Code><Message>try again</Message></Error>");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("InternalError try again"), std::string::npos);
  }
}

TEST(S3XmlTest, ReadsDeleteFailuresAndWritesRequestBodies) {
  EXPECT_TRUE(ParseDeleteErrors("<DeleteResult></DeleteResult>").empty());
  std::vector<std::string> failures = ParseDeleteErrors(
      "<DeleteResult><Error><Key>k</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
      "</DeleteResult>");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "k: AccessDenied no");
  EXPECT_EQ(DeleteObjectsBody({"a", "b<&"}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            "<Object><Key>a</Key></Object><Object><Key>b&lt;&amp;</Key></Object></Delete>");
  EXPECT_EQ(CompleteMultipartBody({"\"e1\"", "\"e2\""}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3XmlTest, ReadsBothDateFormats) {
  EXPECT_EQ(ParseHttpDate("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480000);
  EXPECT_EQ(ParseIsoTime("2015-10-21T07:28:00.123Z"), 1445412480123);
  EXPECT_FALSE(ParseHttpDate("yesterday").has_value());
  EXPECT_FALSE(ParseIsoTime("").has_value());
  EXPECT_EQ(UnquoteETag("\"abc\""), "abc");
  EXPECT_EQ(UnquoteETag("W/\"abc\""), "abc");
}

}  // namespace
}  // namespace cadenza::s3
