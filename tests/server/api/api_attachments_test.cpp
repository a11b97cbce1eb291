// Attachments over real HTTP: the type is checked from the bytes, files come back only as
// downloads, and only to those who may see the referral.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::id_of;
using testing::Journey;
using testing::kMinimalPdf;
using testing::TestServer;

std::string const kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\rIHDR", 8);

class AttachmentsTest : public ::testing::Test {
 protected:
  HttpReply upload(HttpClient& client, std::string const& login, std::int64_t id,
                   std::string const& bytes, std::string const& type, std::string const& name) {
    return client.request("POST", fmt::format("/api/v1/referrals/{}/attachments", id), bytes,
                          {{"content-type", type},
                           {"x-filename", name},
                           {"authorization", "Bearer " + server.token(login)}});
  }

  TestServer server;
  HttpClient doctor = server.as("doctor");
  Journey doctor_journey{doctor};
};

TEST_F(AttachmentsTest, UploadListAndDownload) {
  auto const r = doctor_journey.new_referral("oncology");
  auto const id = id_of(r);
  // A Russian file name travels percent-encoded in the header.
  auto reply = upload(doctor, "doctor", id, kMinimalPdf, "application/pdf",
                      "%D0%B7%D0%B0%D0%BA%D0%BB%D1%8E%D1%87%D0%B5%D0%BD%D0%B8%D0%B5.pdf");
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto const info = reply.json();
  EXPECT_EQ(info.at("filename").as_string(), "заключение.pdf");
  EXPECT_EQ(info.at("content_type").as_string(), "application/pdf");
  EXPECT_EQ(info.at("size").as_int64(), static_cast<std::int64_t>(kMinimalPdf.size()));
  EXPECT_EQ(info.at("sha256").as_string().size(), 64u);
  ASSERT_EQ(upload(doctor, "doctor", id, kPng, "image/png", "ecg.png").status, 201);

  auto const list = doctor.get(fmt::format("/api/v1/referrals/{}/attachments", id));
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().as_array().size(), 2u);

  // The commission of the region reads it, as a download only.
  auto commission = server.as("commission");
  auto const file = commission.get(
      fmt::format("/api/v1/referrals/{}/attachments/{}", id, info.at("id").as_int64()));
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, kMinimalPdf);
  EXPECT_EQ(file.header("content-type"), "application/pdf");
  EXPECT_EQ(file.header("x-content-type-options"), "nosniff");
  auto const disposition = file.header("content-disposition").value_or("");
  EXPECT_TRUE(disposition.starts_with("attachment;")) << disposition;
  EXPECT_NE(disposition.find("filename*=UTF-8''%D0%B7"), std::string::npos) << disposition;

  // The history records the attachment.
  auto const seen = doctor_journey.get(id);
  EXPECT_EQ(seen.at("history").as_array().back().at("action").as_string(), "attach");
}

TEST_F(AttachmentsTest, OnlyTheReferringDoctorAttachesAndOnlyUntilTheCommissionDecides) {
  auto const r = doctor_journey.new_referral("surgery");
  auto const id = id_of(r);
  auto commission = server.as("commission");
  auto outsider = server.as("doctor.astana");
  EXPECT_EQ(upload(outsider, "doctor.astana", id, kMinimalPdf, "application/pdf", "x.pdf").status,
            404);
  ASSERT_EQ(doctor_journey.act(id, "submit").status, 200);
  EXPECT_EQ(upload(commission, "commission", id, kMinimalPdf, "application/pdf", "x.pdf").status,
            403);
  ASSERT_EQ(Journey{commission}.act(id, "approve", {{"protocol", "P"}}).status, 200);
  auto const late = upload(doctor, "doctor", id, kMinimalPdf, "application/pdf", "late.pdf");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.error_code(), "invalid_transition");
  EXPECT_EQ(outsider.get(fmt::format("/api/v1/referrals/{}/attachments/1", id)).status, 404);
}

TEST_F(AttachmentsTest, BadFilesAreRefusedWithTheReason) {
  auto const id = id_of(doctor_journey.new_referral("surgery"));
  auto reply = upload(doctor, "doctor", id, "", "application/pdf", "empty.pdf");
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.error_field(), "file");
  reply = upload(doctor, "doctor", id, kMinimalPdf, "application/pdf", "..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.error_field(), "filename");
  reply = doctor.request(
      "POST", fmt::format("/api/v1/referrals/{}/attachments", id), kMinimalPdf,
      {{"content-type", "application/pdf"}, {"authorization", "Bearer " + server.token("doctor")}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.error_field(), "filename");
  reply = upload(doctor, "doctor", id, "<html><script>alert(1)</script>", "image/jpeg", "x.jpg");
  EXPECT_EQ(reply.status, 415);
  reply = upload(doctor, "doctor", id, kMinimalPdf, "application/x-msdownload", "x.exe");
  EXPECT_EQ(reply.status, 415);
}

TEST_F(AttachmentsTest, ANameIsKeptAsWhatTheFileIsWithoutInvisibleCharacters) {
  auto const id = id_of(doctor_journey.new_referral("oncology"));
  // A PDF followed by HTML, named as a page: kept and served as a PDF.
  auto const polyglot = std::string{"%PDF-1.4\n<html><script>alert(1)</script></html>\n"};
  auto reply = upload(doctor, "doctor", id, polyglot, "application/pdf", "poly.html");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("filename").as_string(), "poly.html.pdf");
  auto const file = doctor.get(
      fmt::format("/api/v1/referrals/{}/attachments/{}", id, reply.json().at("id").as_int64()));
  EXPECT_EQ(file.header("content-type"), "application/pdf");
  EXPECT_EQ(file.header("content-disposition"),
            "attachment; filename=\"poly.html.pdf\"; filename*=UTF-8''poly.html.pdf");

  // U+202E (right-to-left override) would show "\u202efdp.exe" as "exe.pdf": it is removed, and
  // the name gets the extension of what the file is.
  reply = upload(doctor, "doctor", id, kMinimalPdf, "application/pdf", "%E2%80%AEfdp.exe");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("filename").as_string(), "fdp.exe.pdf");
  // Zero-width and other format characters go too; a right extension stays, in any case.
  reply = upload(doctor, "doctor", id, kPng, "image/png", "ec%E2%80%8Bg%EF%BB%BF.PNG");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("filename").as_string(), "ecg.PNG");
  // A JPEG keeps .jpeg or .jpg; a name without an extension gains one.
  auto const jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "JFIF";
  reply = upload(doctor, "doctor", id, jpeg, "image/jpeg", "scan.jpeg");
  EXPECT_EQ(reply.json().at("filename").as_string(), "scan.jpeg");
  reply = upload(doctor, "doctor", id, jpeg, "image/jpeg", "scan");
  EXPECT_EQ(reply.json().at("filename").as_string(), "scan.jpg");
  // A name that is nothing but invisible characters is no name.
  reply = upload(doctor, "doctor", id, kMinimalPdf, "application/pdf", "%E2%80%AE%E2%80%8B");
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.error_field(), "filename");
  // The stored names are what the list shows.
  auto const list = doctor.get(fmt::format("/api/v1/referrals/{}/attachments", id)).json();
  for (auto const& a : list.as_array()) {
    EXPECT_EQ(std::string{a.at("filename").as_string()}.find("\xE2\x80\xAE"), std::string::npos);
  }
}

}  // namespace
}  // namespace joldama
