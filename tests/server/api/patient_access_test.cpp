// A patient's record is reached only through care: a doctor of another organization cannot tell
// a registered IIN from an unknown one, until they ask for access with a reason — an audited act,
// limited per doctor and day, that administrators see in a list.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "storage/sqlite.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::Journey;
using testing::TestServer;

json::object referral_body(std::string const& iin) {
  return json::object{{"patient_iin", iin},          {"icd10", "I25.1"},
                      {"profile", "cardiac_surgery"}, {"urgency", "routine"},
                      {"care_form", "inpatient"},     {"justification", "Coronary disease"}};
}

class PatientAccessTest : public ::testing::Test {
 protected:
  TestServer server{[](server::ServerConfig& c) { c.access.patient_accesses_per_day = 3; }};
  HttpClient almaty = server.as("doctor");
  HttpClient astana = server.as("doctor.astana");
  std::string const almaty_patient = Journey{almaty}.new_patient("75");
  std::string const nobody = testing::fresh_iin();
};

TEST_F(PatientAccessTest, AForeignPatientAnswersExactlyLikeAnUnknownIin) {
  auto const foreign = astana.get("/api/v1/patients/" + almaty_patient);
  auto const unknown = astana.get("/api/v1/patients/" + nobody);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.status, unknown.status);
  EXPECT_EQ(foreign.body, unknown.body);

  auto const refer_foreign = astana.post("/api/v1/referrals", referral_body(almaty_patient));
  auto const refer_unknown = astana.post("/api/v1/referrals", referral_body(nobody));
  EXPECT_EQ(refer_foreign.status, 422);
  EXPECT_EQ(refer_foreign.error_field(), "patient_iin");
  EXPECT_EQ(refer_foreign.status, refer_unknown.status);
  EXPECT_EQ(refer_foreign.body, refer_unknown.body);
  EXPECT_EQ(refer_foreign.body.find("Алматы"), std::string::npos);

  // The refused referral did not open the record either.
  EXPECT_EQ(astana.get("/api/v1/patients/" + almaty_patient).status, 404);
  // The patient's own organization still sees them.
  EXPECT_EQ(almaty.get("/api/v1/patients/" + almaty_patient).status, 200);
}

TEST_F(PatientAccessTest, AccessWithAReasonIsAuditedAndOpensTheRecordToTheOrganization) {
  auto const no_reason =
      astana.post("/api/v1/patients/" + almaty_patient + "/access", json::object{});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_EQ(no_reason.error_field(), "reason");
  EXPECT_EQ(astana.post("/api/v1/patients/" + almaty_patient + "/access",
                        json::object{{"reason", "   "}})
                .error_field(),
            "reason");

  auto const granted = astana.post("/api/v1/patients/" + almaty_patient + "/access",
                                   json::object{{"reason", "Приехала в Астану, обследуется у нас"}});
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(granted.json().at("iin").as_string(), almaty_patient);

  auto const read = astana.get("/api/v1/patients/" + almaty_patient);
  EXPECT_EQ(read.status, 200);
  auto const referred = astana.post("/api/v1/referrals", referral_body(almaty_patient));
  EXPECT_EQ(referred.status, 201) << referred.body;

  // Its own audit event, with the reason, in the same log as everything else.
  auto admin = server.as("admin");
  auto const events = admin.get("/api/v1/audit?limit=1000").json().as_array();
  int found = 0;
  for (auto const& e : events) {
    if (e.at("action").as_string() != "patient_access") continue;
    ++found;
    EXPECT_EQ(e.at("actor").at("login").as_string(), "doctor.astana");
    EXPECT_EQ(e.at("detail").at("reason").as_string(), "Приехала в Астану, обследуется у нас");
  }
  EXPECT_EQ(found, 1);

  // The administrator sees the access in a list; nobody else does.
  auto const list = admin.get("/api/v1/patient-accesses");
  ASSERT_EQ(list.status, 200);
  auto const items = list.json().as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("doctor").at("login").as_string(), "doctor.astana");
  EXPECT_EQ(items[0].at("patient").at("iin").as_string(), almaty_patient);
  EXPECT_EQ(items[0].at("reason").as_string(), "Приехала в Астану, обследуется у нас");
  EXPECT_EQ(astana.get("/api/v1/patient-accesses").status, 403);
  EXPECT_EQ(server.as("republic").get("/api/v1/patient-accesses").status, 403);
  EXPECT_EQ(admin.get("/api/v1/patient-accesses?limit=0").error_field(), "limit");
}

TEST_F(PatientAccessTest, AccessesAreLimitedPerDoctorAndDayAndUnknownIinsCountToo) {
  // An unknown IIN answers 404, but the request is kept and counts.
  auto const unknown =
      astana.post("/api/v1/patients/" + nobody + "/access", json::object{{"reason", "probe"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(astana.post("/api/v1/patients/" + testing::fresh_iin() + "/access",
                        json::object{{"reason", "probe"}})
                .status,
            404);
  EXPECT_EQ(astana.post("/api/v1/patients/" + almaty_patient + "/access",
                        json::object{{"reason", "third of the day"}})
                .status,
            200);
  auto const over = astana.post("/api/v1/patients/" + testing::fresh_iin() + "/access",
                                json::object{{"reason", "fourth"}});
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.error_code(), "rate_limited");
  // The next day in Kazakhstan, the allowance is back.
  server.clock.advance(std::chrono::hours{24});
  HttpClient next_day{server.port};
  next_day.use_token(testing::sign_in(server.port, "doctor.astana"));
  EXPECT_EQ(next_day.post("/api/v1/patients/" + nobody + "/access", json::object{{"reason", "new day"}})
                .status,
            404);

  auto const list = server.as("admin").get("/api/v1/patient-accesses").json().as_array();
  EXPECT_EQ(list.size(), 4u);  // three yesterday, one today; the refused one is not kept
  EXPECT_TRUE(list[0].at("patient").is_null());
}

TEST_F(PatientAccessTest, OnlyDoctorsAskForAccess) {
  for (auto const* login : {"commission", "republic", "hospital", "admin"}) {
    auto client = server.as(login);
    EXPECT_EQ(client.post("/api/v1/patients/" + almaty_patient + "/access",
                          json::object{{"reason", "curious"}})
                  .status,
              403)
        << login;
  }
  EXPECT_EQ(astana.post("/api/v1/patients/123/access", json::object{{"reason", "x"}}).error_field(),
            "iin");
}

}  // namespace
}  // namespace joldama
