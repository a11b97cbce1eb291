// The bureau's journeys over real HTTP, checking state, allowed actions, quota counters and
// history at every step.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::allows;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

std::vector<std::string> names(json::value const& array) {
  std::vector<std::string> out;
  for (auto const& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

std::vector<std::string> history_actions(json::value const& referral) {
  std::vector<std::string> out;
  for (auto const& h : referral.at("history").as_array())
    out.emplace_back(h.at("action").as_string());
  return out;
}

class JourneyTest : public ::testing::Test {
 protected:
  // After every journey the audit chain verifies, checked by the real command line tool.
  void TearDown() override {
    server.stop();
    std::string output;
    FILE* pipe = ::popen(fmt::format("{} verify-audit --db '{}' --key '{}' --anchors '{}'",
                                     JOLDAMA_BINARY, server.location,
                                     server::audit_key_file(server.config).string(),
                                     server::audit_anchor_file(server.config).string())
                             .c_str(),
                         "r");
    char buffer[256];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    EXPECT_EQ(::pclose(pipe), 0) << output;
    EXPECT_TRUE(output.starts_with("ok ")) << output;
  }

  Id organization_of(std::string const& login) {
    auto const me = server.as(login).get("/api/v1/me").json();
    return me.at("organization").at("id").as_int64();
  }
  json::object quota(std::string const& profile, std::string const& region = "75") {
    auto const reply = republic.get(
        fmt::format("/api/v1/quotas?period=2026&region={}&profile={}", region, profile));
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto const rows = reply.json().as_array();
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? json::object{} : rows.front().as_object();
  }
  void set_quota(std::string const& profile, int allocated, std::string const& region = "75") {
    auto const reply = republic.put(fmt::format("/api/v1/quotas/2026/{}/{}", region, profile),
                                    json::object{{"allocated", allocated}});
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  // A new referral taken by the doctor and the commission to the republican level.
  json::object awaiting_republic(std::string const& profile,
                                 std::string const& urgency = "routine") {
    auto r = doctor_journey.new_referral(profile, urgency);
    auto const id = id_of(r);
    EXPECT_EQ(doctor_journey.act(id, "submit").status, 200);
    auto const approved = commission_journey.act(id, "approve", {{"protocol", "P-1/2026"}});
    EXPECT_EQ(approved.status, 200) << approved.body;
    return approved.json().as_object();
  }

  TestServer server;
  HttpClient doctor = server.as("doctor");
  HttpClient commission = server.as("commission");
  HttpClient republic = server.as("republic");
  HttpClient hospital = server.as("hospital");
  Journey doctor_journey{doctor};
  Journey commission_journey{commission};
  Journey republic_journey{republic};
  Journey hospital_journey{hospital};
};

TEST_F(JourneyTest, InAbsentiaFromRegistrationToDischargeAndThePublicPage) {
  Id const cardiac_center = organization_of("hospital");
  // The doctor registers the patient and the referral.
  auto const iin = doctor_journey.new_patient();
  auto reply = doctor.post("/api/v1/referrals",
                           json::object{{"patient_iin", iin},
                                        {"icd10", "I251"},
                                        {"profile", "cardiac_surgery"},
                                        {"urgency", "urgent"},
                                        {"care_form", "inpatient"},
                                        {"justification", "Three-vessel disease; CABG indicated"}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto referral = reply.json();
  auto const id = id_of(referral);
  auto const code = std::string{referral.at("code").as_string()};
  EXPECT_TRUE(code.starts_with("75-26-")) << code;
  EXPECT_EQ(state_of(referral), "registered");
  EXPECT_EQ(referral.at("icd10").as_string(), "I25.1");
  EXPECT_EQ(referral.at("version").as_int64(), 1);
  EXPECT_EQ(reply.header("etag"), "\"1\"");
  EXPECT_EQ(reply.header("location"), fmt::format("/api/v1/referrals/{}", id));
  EXPECT_EQ(names(referral.at("allowed_actions")), (std::vector<std::string>{"submit", "cancel"}));

  // Submitted: the commission's ten working days start (9 March is off).
  reply = doctor_journey.act(id, "submit");
  ASSERT_EQ(reply.status, 200) << reply.body;
  referral = reply.json();
  EXPECT_EQ(state_of(referral), "commission_review");
  EXPECT_EQ(referral.at("deadline").as_string(), "2026-03-17T23:59:59+05:00");
  EXPECT_EQ(names(referral.at("allowed_actions")), (std::vector<std::string>{"cancel"}));

  auto seen = commission_journey.get(id);
  EXPECT_EQ(names(seen.at("allowed_actions")),
            (std::vector<std::string>{"schedule_in_person", "approve", "reject", "request_info"}));

  // The commission decides on the documents.
  reply =
      commission_journey.act(id, "approve", {{"protocol", "17/2026"}, {"comment", "Indicated"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  referral = reply.json();
  EXPECT_EQ(state_of(referral), "republican_review");
  EXPECT_EQ(referral.at("decision_mode").as_string(), "in_absentia");
  EXPECT_EQ(referral.at("protocol").as_string(), "17/2026");
  EXPECT_TRUE(referral.at("allowed_actions").as_array().empty());  // nothing left for them

  // The republican level approves against the quota: a unit is reserved, a talon issued.
  auto const before = quota("cardiac_surgery");
  EXPECT_EQ(names(republic_journey.get(id).at("allowed_actions")),
            (std::vector<std::string>{"approve", "reject", "refer_abroad"}));
  reply = republic_journey.act(id, "approve", {{"hospital_id", cardiac_center}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  referral = reply.json();
  EXPECT_EQ(state_of(referral), "talon_issued");
  auto const& talon = referral.at("talon");
  EXPECT_TRUE(std::string{talon.at("number").as_string()}.starts_with("T26-"));
  EXPECT_EQ(talon.at("hospital").at("id").as_int64(), cardiac_center);
  EXPECT_EQ(talon.at("valid_until").as_string(), "2026-04-01T23:59:59+05:00");
  EXPECT_EQ(referral.at("quota").at("profile").as_string(), "cardiac_surgery");
  auto after = quota("cardiac_surgery");
  EXPECT_EQ(after.at("reserved").as_int64(), before.at("reserved").as_int64() + 1);
  EXPECT_EQ(after.at("available").as_int64(), before.at("available").as_int64() - 1);

  // The hospital sees the talon, accepts with a date, admits, discharges.
  EXPECT_EQ(names(hospital_journey.get(id).at("allowed_actions")),
            (std::vector<std::string>{"accept", "decline"}));
  reply = hospital_journey.act(id, "accept", {{"planned_date", "2026-03-16"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "scheduled");
  EXPECT_EQ(reply.json().at("talon").at("planned_date").as_string(), "2026-03-16");
  EXPECT_EQ(names(reply.json().at("allowed_actions")),
            (std::vector<std::string>{"admit", "no_show"}));

  reply = hospital_journey.act(id, "admit", {{"case_number", "ИБ-2026-0042"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "admitted");
  after = quota("cardiac_surgery");
  EXPECT_EQ(after.at("reserved").as_int64(), before.at("reserved").as_int64());
  EXPECT_EQ(after.at("used").as_int64(), before.at("used").as_int64() + 1);
  EXPECT_FALSE(allows(doctor_journey.get(id), "cancel"));  // no cancelling after admission

  reply =
      hospital_journey.act(id, "discharge", {{"outcome", "improved"}, {"final_icd10", "I25.1"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  referral = reply.json();
  EXPECT_EQ(state_of(referral), "completed");
  EXPECT_EQ(referral.at("outcome").as_string(), "improved");
  EXPECT_TRUE(referral.at("allowed_actions").as_array().empty());
  EXPECT_EQ(history_actions(referral),
            (std::vector<std::string>{"register", "submit", "approve", "approve", "accept", "admit",
                                      "discharge"}));
  auto const& approval = referral.at("history").at(2);
  EXPECT_EQ(approval.at("by").at("login").as_string(), "commission");
  EXPECT_EQ(approval.at("from").as_string(), "commission_review");
  EXPECT_EQ(approval.at("to").as_string(), "republican_review");
  EXPECT_EQ(approval.at("comment").as_string(), "Indicated");
  // Who acted, as people know them: the name, and the organization where there is one (a
  // commission belongs to a region).
  auto const& registration = referral.at("history").at(0);
  EXPECT_FALSE(registration.at("by").at("name").as_string().empty());
  EXPECT_FALSE(registration.at("by").at("organization").as_string().empty());
  EXPECT_FALSE(approval.at("by").at("name").as_string().empty());
  EXPECT_TRUE(approval.at("by").at("organization").is_null());

  // The patient looks it up with the code and the IIN, without an account.
  auto anonymous = server.client();
  reply = anonymous.get(fmt::format("/api/v1/public/status?code={}&iin={}", code, iin));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto const status = reply.json();
  EXPECT_EQ(status.at("state").as_string(), "completed");
  EXPECT_EQ(status.at("planned_date").as_string(), "2026-03-16");
  EXPECT_EQ(status.at("hospital").as_string(), "Национальный научный кардиохирургический центр");
  EXPECT_TRUE(status.at("decision_due").is_null());  // nobody is to decide any more
  EXPECT_FALSE(status.as_object().contains("patient"));  // nothing personal on the public page
}

TEST_F(JourneyTest, InPersonExaminationThenApproval) {
  auto r = doctor_journey.new_referral("neurosurgery");
  auto const id = id_of(r);
  ASSERT_EQ(doctor_journey.act(id, "submit").status, 200);
  auto reply = commission_journey.act(
      id, "schedule_in_person",
      {{"at", "2026-03-04T11:30:00+05:00"}, {"place", "Health department, room 305"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto referral = reply.json();
  EXPECT_EQ(state_of(referral), "in_person_scheduled");
  EXPECT_EQ(referral.at("exam").at("at").as_string(), "2026-03-04T11:30:00+05:00");
  EXPECT_EQ(referral.at("exam").at("place").as_string(), "Health department, room 305");
  EXPECT_EQ(names(referral.at("allowed_actions")),
            (std::vector<std::string>{"reschedule_exam", "exam_no_show", "approve", "reject"}));

  reply = commission_journey.act(id, "approve", {{"protocol", "22/2026"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  referral = reply.json();
  EXPECT_EQ(state_of(referral), "republican_review");
  EXPECT_EQ(referral.at("decision_mode").as_string(), "in_person");
  EXPECT_EQ(history_actions(referral),
            (std::vector<std::string>{"register", "submit", "schedule_in_person", "approve"}));
}

TEST_F(JourneyTest, RequestInformationAndResubmit) {
  auto r = doctor_journey.new_referral("ophthalmology");
  auto const id = id_of(r);
  ASSERT_EQ(doctor_journey.act(id, "submit").status, 200);
  auto reply = commission_journey.act(id, "request_info", {{"comment", "Attach the OCT scan"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "info_requested");
  // The commission's clock is paused; the doctor has ten working days to answer.
  EXPECT_EQ(reply.json().at("deadline").as_string(), "2026-03-17T23:59:59+05:00");
  auto seen = doctor_journey.get(id);
  EXPECT_EQ(names(seen.at("allowed_actions")), (std::vector<std::string>{"resubmit", "cancel"}));
  EXPECT_EQ(seen.at("history").as_array().back().at("comment").as_string(), "Attach the OCT scan");

  reply = doctor_journey.act(id, "resubmit", {{"comment", "OCT attached"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "commission_review");
  EXPECT_FALSE(reply.json().at("deadline").is_null());
}

TEST_F(JourneyTest, RejectionByTheCommissionAndByTheRepublicanLevel) {
  auto r = doctor_journey.new_referral("surgery");
  ASSERT_EQ(doctor_journey.act(id_of(r), "submit").status, 200);
  auto reply = commission_journey.act(id_of(r), "reject", {{"reason", "Can be treated locally"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "rejected");
  EXPECT_TRUE(doctor_journey.get(id_of(r)).at("allowed_actions").as_array().empty());

  auto awaiting = awaiting_republic("surgery");
  reply = republic_journey.act(id_of(awaiting), "reject", {{"reason", "Not high-tech care"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "rejected");
}

TEST_F(JourneyTest, CancellingATalonReleasesItsUnit) {
  set_quota("hematology", 10);
  auto awaiting = awaiting_republic("hematology");
  auto const id = id_of(awaiting);
  ASSERT_EQ(republic_journey
                .act(id, "approve", {{"hospital_id", organization_of("hospital.oncology")}})
                .status,
            200);
  auto const held = quota("hematology").at("reserved").as_int64();
  auto reply = doctor_journey.act(id, "cancel", {{"reason", "Treated abroad at own expense"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "cancelled");
  EXPECT_TRUE(reply.json().at("quota").is_null());
  EXPECT_EQ(quota("hematology").at("reserved").as_int64(), held - 1);
}

TEST_F(JourneyTest, ExhaustedQuotaWaitlistsAndARaisedAllocationPromotes) {
  auto const used = quota("pediatric_surgery");
  int const taken = static_cast<int>(used.at("reserved").as_int64() + used.at("used").as_int64());
  set_quota("pediatric_surgery", taken + 1);
  Id const hospital2 = organization_of("hospital.children");

  auto first = awaiting_republic("pediatric_surgery");
  auto reply = republic_journey.act(id_of(first), "approve", {{"hospital_id", hospital2}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(state_of(reply.json()), "talon_issued");

  auto second = awaiting_republic("pediatric_surgery", "urgent");
  reply = republic_journey.act(id_of(second), "approve", {{"hospital_id", hospital2}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "waitlisted");
  EXPECT_EQ(reply.json().at("queue_position").as_int64(), 1);
  EXPECT_TRUE(reply.json().at("talon").is_null());
  EXPECT_EQ(quota("pediatric_surgery").at("available").as_int64(), 0);

  auto third = awaiting_republic("pediatric_surgery");
  reply = republic_journey.act(id_of(third), "approve", {{"hospital_id", hospital2}});
  EXPECT_EQ(reply.json().at("queue_position").as_int64(), 2);

  // The waitlist is visible to the republican level…
  auto const waiting = republic.get("/api/v1/referrals?state=waitlisted&profile=pediatric_surgery");
  ASSERT_EQ(waiting.status, 200);
  ASSERT_EQ(waiting.json().at("items").as_array().size(), 2u);
  EXPECT_EQ(id_of(waiting.json().at("items").at(0)), id_of(second));  // urgent first

  // …and the patient sees their place in line.
  auto const code = std::string{second.at("code").as_string()};
  auto const iin = std::string{second.at("patient").at("iin").as_string()};
  auto status = server.client().get(fmt::format("/api/v1/public/status?code={}&iin={}", code, iin));
  EXPECT_EQ(status.json().at("queue_position").as_int64(), 1);

  // Raising the allocation by one promotes the first in line.
  set_quota("pediatric_surgery", taken + 2);
  auto promoted = republic_journey.get(id_of(second));
  EXPECT_EQ(state_of(promoted), "talon_issued");
  EXPECT_EQ(promoted.at("talon").at("hospital").at("id").as_int64(), hospital2);
  EXPECT_EQ(history_actions(promoted).back(), "promote");
  EXPECT_EQ(promoted.at("history").as_array().back().at("by").at("role").as_string(), "system");
  EXPECT_EQ(state_of(republic_journey.get(id_of(third))), "waitlisted");
  EXPECT_EQ(republic_journey.get(id_of(third)).at("queue_position").as_int64(), 1);
  auto const final_quota = quota("pediatric_surgery");
  EXPECT_EQ(final_quota.at("reserved").as_int64() + final_quota.at("used").as_int64(), taken + 2);
}

TEST_F(JourneyTest, TreatmentAbroad) {
  auto awaiting = awaiting_republic("transplantation");
  auto const id = id_of(awaiting);
  auto reply = republic_journey.act(id, "refer_abroad",
                                    {{"comment", "Living-donor paediatric liver transplant"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "abroad_review");
  EXPECT_EQ(names(reply.json().at("allowed_actions")),
            (std::vector<std::string>{"approve", "reject"}));
  reply =
      republic_journey.act(id, "approve", {{"clinic", "Memorial Şişli"}, {"country", "Türkiye"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "abroad_approved");
  EXPECT_EQ(reply.json().at("abroad").at("country").as_string(), "Türkiye");
  reply = republic_journey.act(id, "complete", {{"outcome", "recovered"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "completed");
}

TEST_F(JourneyTest, ADeclinedTalonGoesBackToTheRepublicanLevel) {
  set_quota("cardiology", 20);
  auto awaiting = awaiting_republic("cardiology");
  auto const id = id_of(awaiting);
  ASSERT_EQ(
      republic_journey.act(id, "approve", {{"hospital_id", organization_of("hospital")}}).status,
      200);
  auto const held = quota("cardiology").at("reserved").as_int64();
  auto reply = hospital_journey.act(id, "decline", {{"reason", "Angiography suite under repair"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "republican_review");
  EXPECT_TRUE(reply.json().at("allowed_actions").as_array().empty());
  EXPECT_EQ(quota("cardiology").at("reserved").as_int64(), held - 1);
  // The hospital no longer sees it; the republican level re-routes it.
  EXPECT_EQ(hospital.get(fmt::format("/api/v1/referrals/{}", id)).status, 404);
  reply = republic_journey.act(id, "approve", {{"hospital_id", organization_of("hospital2")}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(state_of(reply.json()), "talon_issued");
}

}  // namespace
}  // namespace joldama
