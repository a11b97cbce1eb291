// The planned route over real HTTP: the places a hospital publishes, the patient's choice
// booked by the doctor, the hospital's confirmation or refusal, and the place held and
// released with the same guarantees as a quota unit.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

// The test server's clock stands at Monday 2 March 2026, 10:00 in Kazakhstan; 9 March is off.
constexpr char const* kDay = "2026-03-10";

class PlannedTest : public ::testing::Test {
 protected:
  std::int64_t organization_of(std::string const& login) {
    return server.as(login).get("/api/v1/me").json().at("organization").at("id").as_int64();
  }
  std::string places_path(std::string const& profile, std::string const& day = kDay) {
    return fmt::format("/api/v1/places/{}/{}/{}", city_hospital, profile, day);
  }
  // The day's row of the city hospital's places of `profile`.
  json::object day_row(std::string const& profile, std::string const& day = kDay) {
    auto const reply = server.client().get(fmt::format(
        "/api/v1/places?hospital_id={}&profile={}&from={}&days=1", city_hospital, profile, day));
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto const rows = reply.json().as_array();
    EXPECT_EQ(rows.size(), 1u) << reply.body;
    return rows.empty() ? json::object{} : rows.front().as_object();
  }
  // Publishes exactly `free` free places of `profile` on `day`; returns the places booked.
  std::int64_t leave_free(std::string const& profile, int free, std::string const& day = kDay) {
    auto const booked = day_row(profile, day).at("booked").as_int64();
    auto const reply = staff.put(places_path(profile, day),
                                 json::object{{"capacity", booked + free}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return booked;
  }
  json::object planned_referral(std::string const& profile = "cardiology") {
    return doctor_journey.new_referral(profile, "routine", "75", "planned");
  }
  HttpReply book(std::int64_t id, std::int64_t hospital_id, std::string const& day = kDay) {
    return doctor_journey.act(id, "book",
                              {{"hospital_id", hospital_id}, {"planned_date", day}});
  }

  TestServer server;
  HttpClient doctor = server.as("doctor");
  HttpClient staff = server.as("hospital.75");  // the city's multi-profile hospital: planned only
  Journey doctor_journey{doctor};
  Journey staff_journey{staff};
  std::int64_t city_hospital = organization_of("hospital.75");
};

TEST_F(PlannedTest, BookedConfirmedAdmittedAndDischargedWithThePlaceHeld) {
  auto const booked_before = leave_free("cardiology", 2);
  auto r = planned_referral();
  auto const id = id_of(r);
  EXPECT_EQ(r.at("route").as_string(), "planned");
  EXPECT_TRUE(r.at("booking").is_null());
  // No commission on the planned route: the doctor books, and may not submit.
  auto names = [](json::value const& referral) {
    std::vector<std::string> out;
    for (auto const& a : referral.at("allowed_actions").as_array()) out.emplace_back(a.as_string());
    return out;
  };
  EXPECT_EQ(names(doctor_journey.get(id)), (std::vector<std::string>{"book", "cancel"}));
  auto reply = doctor_journey.act(id, "submit");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.error_code(), "invalid_transition");
  // The fields of `book` come from the table.
  auto const fields = doctor_journey.get(id).at("action_fields").at("book");
  ASSERT_EQ(fields.as_array().size(), 3u) << fields;
  EXPECT_EQ(fields.at(0).at("name").as_string(), "comment");  // every action takes one
  EXPECT_FALSE(fields.at(0).at("required").as_bool());
  EXPECT_EQ(fields.at(1).at("name").as_string(), "hospital_id");
  EXPECT_EQ(fields.at(1).at("kind").as_string(), "hospital");
  EXPECT_EQ(fields.at(2).at("name").as_string(), "planned_date");
  EXPECT_TRUE(fields.at(2).at("required").as_bool());

  reply = book(id, city_hospital);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto booked = reply.json();
  EXPECT_EQ(state_of(booked), "booking_requested");
  EXPECT_EQ(booked.at("booking").at("hospital").at("id").as_int64(), city_hospital);
  EXPECT_EQ(booked.at("booking").at("date").as_string(), kDay);
  EXPECT_FALSE(booked.at("booking").at("place_held").as_bool());
  // The hospital answers within one working day: by the end of Tuesday 3 March.
  EXPECT_EQ(booked.at("deadline").as_string(), "2026-03-03T23:59:59+05:00");
  EXPECT_EQ(day_row("cardiology").at("booked").as_int64(), booked_before)
      << "a request holds no place until the hospital confirms";

  // The patient sees where and when.
  auto const iin = std::string{r.at("patient").at("iin").as_string()};
  auto status = server.client()
                    .get(fmt::format("/api/v1/public/status?code={}&iin={}",
                                     std::string{r.at("code").as_string()}, iin))
                    .json();
  EXPECT_EQ(status.at("state").as_string(), "booking_requested");
  EXPECT_EQ(status.at("planned_date").as_string(), kDay);
  EXPECT_FALSE(status.at("hospital").as_string().empty());

  // The hospital sees the request in its inbox, and confirms.
  auto const inbox = staff.get("/api/v1/referrals?state=booking_requested").json();
  bool listed = false;
  for (auto const& item : inbox.at("items").as_array()) listed |= id_of(item) == id;
  EXPECT_TRUE(listed) << inbox;
  reply = staff_journey.act(id, "confirm");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto confirmed = reply.json();
  EXPECT_EQ(state_of(confirmed), "scheduled");
  EXPECT_TRUE(confirmed.at("booking").at("place_held").as_bool());
  EXPECT_EQ(confirmed.at("talon").at("planned_date").as_string(), kDay);
  EXPECT_TRUE(confirmed.at("quota").is_null()) << "a planned referral draws on no quota";
  auto row = day_row("cardiology");
  EXPECT_EQ(row.at("booked").as_int64(), booked_before + 1);
  EXPECT_EQ(row.at("free").as_int64(), 1);

  reply = staff_journey.act(id, "admit", {{"case_number", "ИБ-2026-77"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = staff_journey.act(id, "discharge", {{"outcome", "improved"}, {"final_icd10", "I20.8"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "completed");
  EXPECT_EQ(day_row("cardiology").at("booked").as_int64(), booked_before + 1)
      << "a treated patient keeps the place they took";
}

TEST_F(PlannedTest, ARefusalNeedsItsReasonCodeAndTheDoctorBooksAgain) {
  leave_free("cardiology", 3);
  auto const id = id_of(planned_referral());
  ASSERT_EQ(book(id, city_hospital).status, 200);
  auto reply = staff_journey.act(id, "refuse", {{"reason", "Отделение на ремонте"}});
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.error_field(), "reason_code");
  reply = staff_journey.act(id, "refuse", {{"reason_code", "no_such_reason"}});
  EXPECT_EQ(reply.error_field(), "reason_code");
  reply = staff_journey.act(id, "refuse", {{"reason_code", "other"}});
  EXPECT_EQ(reply.error_field(), "reason") << "`other` must say why";
  reply = staff_journey.act(id, "refuse", {{"reason_code", "no_capacity"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(state_of(reply.json()), "registered");
  EXPECT_TRUE(reply.json().at("booking").is_null());
  EXPECT_EQ(doctor_journey.get(id).at("history").as_array().back().at("reason_code").as_string(),
            "no_capacity");
  // The hospital no longer sees the referral; the doctor books elsewhere, in any region.
  EXPECT_EQ(staff.get(fmt::format("/api/v1/referrals/{}", id)).status, 404);
  auto const elsewhere = organization_of("hospital.71");
  auto const far = server.client().get(fmt::format(
      "/api/v1/places?hospital_id={}&profile=cardiology&from=2026-03-03&days=14&free=true",
      elsewhere));
  ASSERT_EQ(far.status, 200);
  ASSERT_FALSE(far.json().as_array().empty()) << "the demo publishes places in every region";
  auto const day = std::string{far.json().at(0).at("date").as_string()};
  reply = book(id, elsewhere, day);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("booking").at("hospital").at("id").as_int64(), elsewhere);
}

TEST_F(PlannedTest, ABookingGoesOnlyWhereTheProfileIsTreatedOnADayWithAFreePlace) {
  auto const id = id_of(planned_referral());
  // The cardiac centre takes only high-technology cases; the eye institute treats no hearts.
  auto reply = book(id, organization_of("hospital"));
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.error_field(), "hospital_id");
  reply = book(id, organization_of("hospital.eye"));
  EXPECT_EQ(reply.error_field(), "hospital_id");
  // A polyclinic is not a hospital.
  reply = book(id, doctor.get("/api/v1/me").json().at("organization").at("id").as_int64());
  EXPECT_EQ(reply.error_field(), "hospital_id");
  // A full day, a day without places, a past day, a day beyond the horizon.
  leave_free("cardiology", 0);
  reply = book(id, city_hospital);
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.error_field(), "planned_date");
  for (auto const* day : {"2026-03-08", "2026-02-27", "2026-06-01", "10.03.2026"}) {
    reply = book(id, city_hospital, day);
    EXPECT_EQ(reply.status, 422) << day << ": " << reply.body;
    EXPECT_EQ(reply.error_field(), "planned_date") << day;
  }
  reply = doctor_journey.act(id, "book", {{"planned_date", kDay}});
  EXPECT_EQ(reply.error_field(), "hospital_id");
  EXPECT_EQ(state_of(doctor_journey.get(id)), "registered") << "nothing of a refusal is written";
  // A high-technology referral is not booked.
  auto const high_tech = id_of(doctor_journey.new_referral("cardiology"));
  reply = book(high_tech, city_hospital);
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.error_code(), "invalid_transition");
}

TEST_F(PlannedTest, CancelAndNoShowReleaseThePlace) {
  auto const before = leave_free("surgery", 2);
  auto const first = id_of(planned_referral("surgery"));
  auto const second = id_of(planned_referral("surgery"));
  for (auto id : {first, second}) {
    ASSERT_EQ(book(id, city_hospital).status, 200);
    ASSERT_EQ(staff_journey.act(id, "confirm").status, 200);
  }
  EXPECT_EQ(day_row("surgery").at("free").as_int64(), 0);
  auto reply = doctor_journey.act(first, "cancel", {{"reason_code", "patient_declined"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(day_row("surgery").at("booked").as_int64(), before + 1);
  reply = staff_journey.act(second, "no_show");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(day_row("surgery").at("booked").as_int64(), before);
  EXPECT_EQ(day_row("surgery").at("free").as_int64(), 2);
}

TEST_F(PlannedTest, ConcurrentConfirmationsNeverBookMorePlacesThanPublished) {
  constexpr int kPlaces = 7;
  constexpr int kRequests = 30;
  auto const before = leave_free("traumatology_orthopedics", kRequests);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kRequests; ++i) {
    auto const id = id_of(planned_referral("traumatology_orthopedics"));
    ASSERT_EQ(book(id, city_hospital).status, 200);
    ids.push_back(id);
  }
  // Now only seven are left for the thirty that asked.
  ASSERT_EQ(staff.put(places_path("traumatology_orthopedics"),
                      json::object{{"capacity", before + kPlaces}})
                .status,
            200);
  auto const token = server.token("hospital.75");
  std::vector<std::thread> threads;
  std::vector<HttpReply> replies(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient own{server.port};
      own.use_token(token);
      replies[i] = own.post(fmt::format("/api/v1/referrals/{}/actions/confirm", ids[i]),
                            json::object{}, {{"if-match", "\"2\""}});
    });
  }
  for (auto& t : threads) t.join();
  int confirmed = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (replies[i].status == 200) {
      ++confirmed;
      continue;
    }
    EXPECT_EQ(replies[i].status, 409) << replies[i].body;
    EXPECT_EQ(replies[i].error_code(), "no_free_place") << replies[i].body;
    EXPECT_EQ(state_of(staff_journey.get(ids[i])), "booking_requested");
  }
  EXPECT_EQ(confirmed, kPlaces);
  auto const row = day_row("traumatology_orthopedics");
  EXPECT_EQ(row.at("booked").as_int64(), before + kPlaces);
  EXPECT_EQ(row.at("free").as_int64(), 0);
}

TEST_F(PlannedTest, PlacesArePublishedByTheHospitalsOwnStaffWithinTheirLimits) {
  auto const before = leave_free("cardiology", 1);
  auto const id = id_of(planned_referral());
  ASSERT_EQ(book(id, city_hospital).status, 200);
  ASSERT_EQ(staff_journey.act(id, "confirm").status, 200);
  // Below what is booked.
  auto reply = staff.put(places_path("cardiology"), json::object{{"capacity", before}});
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.error_code(), "capacity_below_bookings");
  EXPECT_EQ(day_row("cardiology").at("capacity").as_int64(), before + 1) << "nothing changed";
  // Out of range, not a number, an unknown field, a profile the hospital does not treat, a
  // past day, a day beyond a year, not a day.
  struct Bad {
    std::string path;
    json::object body;
    std::string field;
  };
  for (auto const& bad : std::vector<Bad>{
           {places_path("cardiology"), {{"capacity", -1}}, "capacity"},
           {places_path("cardiology"), {{"capacity", 10001}}, "capacity"},
           {places_path("cardiology"), {{"capacity", "ten"}}, "capacity"},
           {places_path("cardiology"), {{"capacity", 5}, {"beds", 5}}, "beds"},
           {places_path("neurosurgery"), {{"capacity", 5}}, "profile"},
           {places_path("cardiology", "2026-03-01"), {{"capacity", 5}}, "date"},
           {places_path("cardiology", "2027-03-10"), {{"capacity", 5}}, "date"},
           {places_path("cardiology", "tomorrow"), {{"capacity", 5}}, "date"},
       }) {
    reply = staff.put(bad.path, bad.body);
    EXPECT_EQ(reply.status, 422) << bad.path << " " << reply.body;
    EXPECT_EQ(reply.error_field(), bad.field) << bad.path << " " << reply.body;
  }
  // Not a hospital's id in the path; a polyclinic's.
  reply = staff.put("/api/v1/places/x/cardiology/2026-03-10", json::object{{"capacity", 5}});
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.error_field(), "hospital_id");
  auto const polyclinic = doctor.get("/api/v1/me").json().at("organization").at("id").as_int64();
  reply = server.as("admin").put(fmt::format("/api/v1/places/{}/cardiology/{}", polyclinic, kDay),
                                 json::object{{"capacity", 5}});
  EXPECT_EQ(reply.status, 404) << reply.body;
  // Another hospital's staff may not; an administrator may.
  reply = server.as("hospital2").put(places_path("cardiology"), json::object{{"capacity", 9}});
  EXPECT_EQ(reply.status, 403) << reply.body;
  reply = server.as("admin").put(places_path("cardiology"), json::object{{"capacity", 9}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("free").as_int64(), 9 - (before + 1));
}

TEST_F(PlannedTest, ThePublicPlacesListIsFilteredAndItsQueryChecked) {
  auto client = server.client();  // no account
  auto reply = client.get("/api/v1/places?profile=cardiology&region=75&days=3");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto const rows = reply.json().as_array();
  ASSERT_FALSE(rows.empty());
  for (auto const& row : rows) {
    EXPECT_EQ(row.at("profile").as_string(), "cardiology");
    EXPECT_EQ(row.at("hospital").at("region").as_string(), "75");
    auto const date = std::string{row.at("date").as_string()};
    EXPECT_GE(date, "2026-03-02");
    EXPECT_LT(date, "2026-03-05");
    EXPECT_EQ(row.at("free").as_int64(),
              row.at("capacity").as_int64() - row.at("booked").as_int64());
  }
  // Only hospitals that take planned patients: the cardiac centre publishes none.
  reply = client.get(fmt::format("/api/v1/places?hospital_id={}", organization_of("hospital")));
  EXPECT_TRUE(reply.json().as_array().empty()) << reply.body;
  for (auto const& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"days=32", "days"},
           {"days=0", "days"},
           {"from=2026-13-01", "from"},
           {"from=2028-01-01", "from"},
           {"profile=astrology", "profile"},
           {"region=99", "region"},
           {"hospital_id=x", "hospital_id"},
           {"free=yes", "free"},
       }) {
    reply = client.get("/api/v1/places?" + query);
    EXPECT_EQ(reply.status, 422) << query << " " << reply.body;
    EXPECT_EQ(reply.error_field(), field) << query;
  }
}

TEST_F(PlannedTest, HospitalsAreFoundByProfileAndRouteAndTheirProfilesSetByTheAdministrator) {
  auto admin = server.as("admin");
  auto const found =
      doctor.get("/api/v1/organizations?kind=hospital&profile=ophthalmology&route=high_tech")
          .json()
          .as_array();
  ASSERT_FALSE(found.empty());
  for (auto const& h : found) {
    bool treats = false;
    for (auto const& p : h.at("profiles").as_array()) treats |= p.as_string() == "ophthalmology";
    EXPECT_TRUE(treats) << h;
  }
  EXPECT_EQ(doctor.get("/api/v1/organizations?route=by_air").error_field(), "route");
  EXPECT_EQ(doctor.get("/api/v1/organizations?profile=astrology").error_field(), "profile");

  auto const path = fmt::format("/api/v1/organizations/{}/profiles", city_hospital);
  auto reply = admin.put(path, json::object{{"profiles", json::array{"cardiology", "astrology"}},
                                            {"accepts", json::array{"planned"}}});
  EXPECT_EQ(reply.error_field(), "profiles") << reply.body;
  reply = admin.put(path, json::object{{"profiles", json::array{"cardiology"}},
                                       {"accepts", json::array{"by_air"}}});
  EXPECT_EQ(reply.error_field(), "accepts") << reply.body;
  reply = admin.put(path, json::object{{"profiles", "cardiology"}, {"accepts", json::array{}}});
  EXPECT_EQ(reply.error_field(), "profiles") << reply.body;
  reply = admin.put(path, json::object{{"profiles", json::array{"cardiology", 7}},
                                       {"accepts", json::array{"planned"}}});
  EXPECT_EQ(reply.error_field(), "profiles") << reply.body;
  json::array too_many;
  for (int i = 0; i < 65; ++i) too_many.emplace_back("cardiology");
  reply = admin.put(path, json::object{{"profiles", too_many}, {"accepts", json::array{"planned"}}});
  EXPECT_EQ(reply.error_field(), "profiles") << reply.body;
  reply = admin.put(path, json::object{{"profiles", json::array{"cardiology"}}});
  EXPECT_EQ(reply.error_field(), "accepts") << reply.body;
  auto const polyclinic = doctor.get("/api/v1/me").json().at("organization").at("id").as_int64();
  for (auto const& target : {fmt::format("/api/v1/organizations/{}/profiles", polyclinic),
                             std::string{"/api/v1/organizations/x/profiles"}}) {
    reply = admin.put(target, json::object{{"profiles", json::array{"cardiology"}},
                                           {"accepts", json::array{"planned"}}});
    EXPECT_EQ(reply.status, 404) << target << " " << reply.body;
  }
  // Nothing of a refusal was written: it still takes planned surgery.
  bool unchanged = false;
  auto const surgery = doctor.get("/api/v1/organizations?profile=surgery&route=planned").json();
  for (auto const& h : surgery.as_array()) unchanged |= h.at("id").as_int64() == city_hospital;
  EXPECT_TRUE(unchanged);
  EXPECT_EQ(staff.put(path, json::object{{"profiles", json::array{"cardiology"}},
                                         {"accepts", json::array{"planned"}}})
                .status,
            403);
  reply = admin.put(path, json::object{{"profiles", json::array{"cardiology", "neurosurgery"}},
                                       {"accepts", json::array{"planned", "high_tech"}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("profiles"), (json::array{"cardiology", "neurosurgery"}));
  EXPECT_EQ(reply.json().at("accepts"), (json::array{"planned", "high_tech"}));
  // It now receives neurosurgery talons; it no longer takes planned surgery.
  auto const neuro =
      doctor.get("/api/v1/organizations?profile=neurosurgery&route=high_tech").json().as_array();
  bool listed = false;
  for (auto const& h : neuro) listed |= h.at("id").as_int64() == city_hospital;
  EXPECT_TRUE(listed);
  reply = staff.put(places_path("surgery"), json::object{{"capacity", 3}});
  EXPECT_EQ(reply.error_field(), "profile") << reply.body;
}

TEST_F(PlannedTest, ReasonCataloguesAndASecondOpenReferralOfAProfile) {
  auto client = server.client();
  auto const reasons = client.get("/api/v1/reasons?action=refuse").json().as_array();
  ASSERT_FALSE(reasons.empty());
  bool other = false;
  for (auto const& r : reasons) {
    EXPECT_FALSE(r.at("name").at("kk").as_string().empty());
    EXPECT_FALSE(r.at("name").at("ru").as_string().empty());
    EXPECT_FALSE(r.at("name").at("en").as_string().empty());
    other |= r.at("code").as_string() == "other";
  }
  EXPECT_TRUE(other);
  EXPECT_EQ(client.get("/api/v1/reasons?action=approve").error_field(), "action");
  EXPECT_EQ(client.get("/api/v1/reasons?action=fly").error_field(), "action");

  auto const first = planned_referral("surgery");
  auto const iin = std::string{first.at("patient").at("iin").as_string()};
  json::object body{{"patient_iin", iin},  {"icd10", "K80.2"},          {"profile", "surgery"},
                    {"route", "planned"},  {"urgency", "routine"},      {"care_form", "inpatient"},
                    {"justification", "Желчнокаменная болезнь"}};
  auto reply = doctor.post("/api/v1/referrals", body);
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.error_code(), "referral_exists");
  auto const existing = reply.json().at("error").at("existing");
  EXPECT_EQ(existing.at("id").as_int64(), id_of(first));
  EXPECT_EQ(existing.at("code"), first.at("code"));
  // Another profile is another referral; a cancelled one no longer stands in the way.
  body["profile"] = "traumatology_orthopedics";
  EXPECT_EQ(doctor.post("/api/v1/referrals", body).status, 201);
  body["profile"] = "surgery";
  ASSERT_EQ(doctor_journey.act(id_of(first), "cancel", {{"reason_code", "duplicate"}}).status, 200);
  EXPECT_EQ(doctor.post("/api/v1/referrals", body).status, 201);
  body["route"] = "by_air";
  body["profile"] = "cardiology";
  EXPECT_EQ(doctor.post("/api/v1/referrals", body).error_field(), "route");
}

}  // namespace
}  // namespace joldama
