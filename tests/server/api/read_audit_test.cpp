// Reads of personal data are on record before they are answered: the single referral, the
// patient, attachment downloads, every worklist page (naming the referrals it shows), counts of
// a search, and public status lookups. A read whose event cannot be written shows nothing, and a
// kill -9 right after an answer keeps its event.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include "storage/sqlite.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::Journey;
using testing::TestServer;

std::int64_t count(std::string const& location, std::string const& sql) {
  auto file = testing::open_database(location);
  auto s = file->prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->step().value());
  return s->int64(0);
}

std::string text(std::string const& location, std::string const& sql) {
  auto file = testing::open_database(location);
  auto s = file->prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  if (!s->step().value()) return "no row";
  return s->text(0);
}

class ReadAuditTest : public ::testing::Test {
 protected:
  TestServer server;
  HttpClient doctor = server.as("doctor");
};

TEST_F(ReadAuditTest, EachReadIsOnRecordWhenItIsAnswered) {
  auto const referral = Journey{doctor}.new_referral();
  auto const id = testing::id_of(referral);
  auto const iin = std::string{referral.at("patient").at("iin").as_string()};
  auto const events = [&](std::string const& action) {
    return count(server.location,
                 "SELECT count(*) FROM audit WHERE actor = 'doctor' AND action = '" + action + "'");
  };

  ASSERT_EQ(doctor.get("/api/v1/referrals/" + std::to_string(id)).status, 200);
  EXPECT_EQ(events("read_referral"), 1);  // no waiting, no flushing: it is there already
  ASSERT_EQ(doctor.get("/api/v1/patients/" + iin).status, 200);
  EXPECT_EQ(events("read_patient"), 1);

  auto const upload = doctor.request(
      "POST", "/api/v1/referrals/" + std::to_string(id) + "/attachments", testing::kMinimalPdf,
      {{"content-type", "application/pdf"}, {"x-filename", "scan.pdf"},
       {"authorization", "Bearer " + doctor.token()}});
  ASSERT_EQ(upload.status, 201);
  auto const aid = upload.json().at("id").as_int64();
  ASSERT_EQ(doctor.get(fmt::format("/api/v1/referrals/{}/attachments/{}", id, aid)).status, 200);
  EXPECT_EQ(events("read_attachment"), 1);

  // A page of the worklist is one event naming the referrals it showed, and what was searched.
  auto const page = doctor.get("/api/v1/referrals?limit=3&q=" + iin);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(events("read_referrals"), 1);
  EXPECT_EQ(text(server.location,
                 "SELECT detail FROM audit WHERE action = 'read_referrals' ORDER BY seq DESC"),
            fmt::format(R"({{"referrals":"{}","q":"{}"}})", id, iin));
  // A count of a search tells about the patients it matched; a plain count does not.
  ASSERT_EQ(doctor.get("/api/v1/referrals/counts").status, 200);
  EXPECT_EQ(events("count_referrals"), 0);
  ASSERT_EQ(doctor.get("/api/v1/referrals/counts?q=" + iin).status, 200);
  EXPECT_EQ(events("count_referrals"), 1);
  // An empty page shows nobody, and records nothing.
  ASSERT_EQ(doctor.get("/api/v1/referrals?q=Nobody-Such").status, 200);
  EXPECT_EQ(events("read_referrals"), 1);

  // The patient's own lookup is a read of the referral too, with the address it came from.
  auto anonymous = server.client();
  auto const code = std::string{referral.at("code").as_string()};
  ASSERT_EQ(anonymous.get("/api/v1/public/status?code=" + code + "&iin=" + iin).status, 200);
  EXPECT_EQ(count(server.location,
                  "SELECT count(*) FROM audit WHERE actor = 'public' AND action = 'read_referral' "
                  "AND referral_id = " + std::to_string(id)),
            1);
  // A wrong IIN found nothing, and showed nothing: no event.
  EXPECT_EQ(anonymous.get("/api/v1/public/status?code=" + code + "&iin=850715300122").status, 404);
  EXPECT_EQ(count(server.location, "SELECT count(*) FROM audit WHERE actor = 'public'"), 1);
}

TEST_F(ReadAuditTest, AReadWhoseEventCannotBeWrittenShowsNothing) {
  auto const referral = Journey{doctor}.new_referral();
  auto const iin = std::string{referral.at("patient").at("iin").as_string()};
  {
    // The audit log refuses reads' events, as a full or failing disk would.
    auto db = testing::open_database(server.location);
    ASSERT_TRUE(db->exec(
        db->dialect() == storage::Dialect::Sqlite
            ? "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit WHEN NEW.action LIKE 'read_%' "
              "BEGIN SELECT RAISE(ABORT, 'the disk failed'); END;"
            : "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
              "NEW.action LIKE 'read_%' THEN RAISE EXCEPTION 'the disk failed'; END IF; RETURN "
              "NEW; END $$; CREATE TRIGGER refuse_reads BEFORE INSERT ON audit FOR EACH ROW "
              "EXECUTE FUNCTION refuse_reads();"));
  }
  auto const patient = doctor.get("/api/v1/patients/" + iin);
  EXPECT_EQ(patient.status, 503);
  EXPECT_EQ(patient.error_code(), "unavailable");
  EXPECT_EQ(patient.body.find(iin), std::string::npos) << patient.body;
  auto const one = doctor.get("/api/v1/referrals/" + std::to_string(testing::id_of(referral)));
  EXPECT_EQ(one.status, 503);
  EXPECT_EQ(one.body.find(iin), std::string::npos);
  auto const list = doctor.get("/api/v1/referrals");
  EXPECT_EQ(list.status, 503);
  EXPECT_EQ(list.body.find(iin), std::string::npos);
  // Writes go on: only the reads' events were refused.
  auto const submitted =
      doctor.post(fmt::format("/api/v1/referrals/{}/actions/submit", testing::id_of(referral)),
                  json::object{}, {{"if-match", "\"1\""}});
  EXPECT_EQ(submitted.status, 200) << submitted.body;
}

TEST(ReadAudit, AKillMinusNineRightAfterAReadKeepsItsEvent) {
  testing::TempDir dir;
  auto const db = dir.file("bureau.db");
  std::string iin;
  for (int kill = 0; kill < 5; ++kill) {
    testing::ServeProcess server{db, {"--demo"}};
    auto const port = server.wait_for_port();
    ASSERT_NE(port, 0);
    HttpClient doctor{port};
    doctor.use_token(testing::sign_in(port, "doctor"));
    if (iin.empty()) {
      auto const page = doctor.get("/api/v1/referrals?limit=1").json();
      iin = std::string{page.at("items").at(0).at("patient").at("iin").as_string()};
    }
    ASSERT_EQ(doctor.get("/api/v1/patients/" + iin).status, 200);
    EXPECT_EQ(server.stop(SIGKILL), -1);  // at once, the answer barely read
    EXPECT_EQ(count(db, "SELECT count(*) FROM audit WHERE action = 'read_patient'"), kill + 1);
  }
}

}  // namespace
}  // namespace joldama
