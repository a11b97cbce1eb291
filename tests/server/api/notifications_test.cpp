// The staff's inboxes over real HTTP: every event tells the people whose work it is and nobody
// else, a refused command tells no one, a reader sees and marks only their own notices, and the
// inbox's ETag answers an unchanged poll with 304.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <vector>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

// Everyone whose inbox is watched.
std::vector<std::string> const kStaff{
    "doctor",   "doctor.astana", "commission", "commission.astana", "republic",
    "hospital", "hospital2",     "hospital.local", "hospital.neuro"};

class NotificationsTest : public ::testing::Test {
 protected:
  NotificationsTest() { mark(); }

  std::map<std::string, HttpClient> sign_in_all() {
    std::map<std::string, HttpClient> clients;
    for (auto const& login : kStaff) clients.emplace(login, server.as(login));
    return clients;
  }

  HttpClient& as(std::string const& login) { return clients_.at(login); }

  // The newest notice of each inbox now: what follows is new.
  void mark() {
    for (auto const& login : kStaff) {
      auto const page = as(login).get("/api/v1/notifications?limit=1").json();
      auto const& items = page.at("items").as_array();
      seen_[login] = items.empty() ? 0 : items.front().at("id").as_int64();
    }
  }

  // What each inbox got since the last mark(), as "kind #referral", oldest first; then marks.
  std::map<std::string, std::vector<std::string>> news() {
    std::map<std::string, std::vector<std::string>> got;
    for (auto const& login : kStaff) {
      auto const page = as(login).get("/api/v1/notifications?limit=100").json();
      std::vector<std::string> fresh;
      for (auto const& item : page.at("items").as_array()) {
        if (item.at("id").as_int64() <= seen_[login]) continue;
        auto const& referral = item.at("referral");
        fresh.insert(fresh.begin(),
                     fmt::format("{} #{}", std::string{item.at("kind").as_string()},
                                 referral.is_null() ? 0 : referral.at("id").as_int64()));
      }
      if (!fresh.empty()) got[login] = std::move(fresh);
    }
    mark();
    return got;
  }

  // A planned surgery referral booked by the doctor on the first free day at the city hospital.
  std::int64_t booked_at_the_city_hospital() {
    auto const id = id_of(doctor.new_referral("surgery", "routine", "75", "planned"));
    auto const city = organization_of("hospital.local");
    auto const places =
        as("doctor")
            .get(fmt::format("/api/v1/places?hospital_id={}&profile=surgery&free=true", city))
            .json();
    EXPECT_FALSE(places.as_array().empty());
    if (places.as_array().empty()) return id;
    auto const day = std::string{places.as_array().front().at("date").as_string()};
    auto const booked =
        doctor.act(id, "book", {{"hospital_id", city}, {"planned_date", day}});
    EXPECT_EQ(booked.status, 200) << booked.body;
    return id;
  }

  Id organization_of(std::string const& login) {
    return as(login).get("/api/v1/me").json().at("organization").at("id").as_int64();
  }

  TestServer server;
  std::map<std::string, HttpClient> clients_ = sign_in_all();
  std::map<std::string, std::int64_t> seen_;
  Journey doctor{as("doctor")};
  Journey commission{as("commission")};
  Journey republic{as("republic")};
  Journey hospital{as("hospital")};
};

using News = std::map<std::string, std::vector<std::string>>;

std::string told(char const* kind, std::int64_t id) {
  return fmt::format("{} #{}", kind, id);
}

TEST_F(NotificationsTest, EachStepOfTheHighTechRouteTellsThoseWhoseWorkItIs) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  EXPECT_EQ(news(), News{}) << "a registration is the doctor's own work";

  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  EXPECT_EQ(news(), (News{{"commission", {told("referral_arrived", id)}}}));

  ASSERT_EQ(commission.act(id, "request_info", {{"comment", "Нужна ЭхоКГ"}}).status, 200);
  EXPECT_EQ(news(), (News{{"doctor", {told("info_requested", id)}}}));

  ASSERT_EQ(doctor.act(id, "resubmit", {{"comment", "ЭхоКГ приложена"}}).status, 200);
  EXPECT_EQ(news(), (News{{"commission", {told("referral_arrived", id)}}}));

  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-3/2026"}}).status, 200);
  EXPECT_EQ(news(), (News{{"doctor", {told("decision_made", id)}},
                          {"republic", {told("referral_arrived", id)}}}));

  auto const approved =
      republic.act(id, "approve", {{"hospital_id", organization_of("hospital")}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(state_of(approved.json()), "talon_issued");
  EXPECT_EQ(news(), (News{{"doctor", {told("decision_made", id)}},
                          {"hospital", {told("talon_arrived", id)}}}));

  ASSERT_EQ(hospital.act(id, "decline", {{"reason", "Нет мест в отделении"}}).status, 200);
  EXPECT_EQ(news(), (News{{"doctor", {told("decision_made", id)}},
                          {"republic", {told("referral_arrived", id)}}}));
}

TEST_F(NotificationsTest, ABookingTellsTheChosenHospitalAndItsAnswerTheDoctor) {
  auto const id = booked_at_the_city_hospital();
  EXPECT_EQ(news(), (News{{"hospital.local", {told("booking_arrived", id)}}}));
  ASSERT_EQ(Journey{as("hospital.local")}.act(id, "confirm").status, 200);
  EXPECT_EQ(news(), (News{{"doctor", {told("decision_made", id)}}}));
}

bool mentions(News const& news, std::string const& notice) {
  for (auto const& [login, notices] : news) {
    for (auto const& n : notices) {
      if (n == notice) return true;
    }
  }
  return false;
}

TEST_F(NotificationsTest, ADeadlineDueByTheNextWorkingDayRemindsWhoeverMustActOnce) {
  // A commission's step ten working days away: not yet.
  auto const far = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(far, "submit").status, 200);
  // A booking the hospital answers within a working day: now.
  auto const id = booked_at_the_city_hospital();
  news();
  ASSERT_TRUE(server.app->sweep_now().has_value());
  auto const got = news();
  ASSERT_TRUE(got.contains("hospital.local"));
  EXPECT_EQ(got.at("hospital.local"), std::vector<std::string>{told("deadline_due", id)});
  EXPECT_FALSE(mentions(got, told("deadline_due", far)));
  EXPECT_FALSE(got.contains("doctor")) << "the doctor has nothing to do for it";
  // Once for the step.
  ASSERT_TRUE(server.app->sweep_now().has_value());
  EXPECT_FALSE(mentions(news(), told("deadline_due", id)));
}

TEST_F(NotificationsTest, APromotionTellsTheDoctorAndTheHospital) {
  auto const quota = [&] {
    auto const rows =
        as("republic").get("/api/v1/quotas?period=2026&region=75&profile=neurosurgery").json();
    return rows.as_array().front().as_object();
  };
  auto const set_quota = [&](std::int64_t allocated) {
    ASSERT_EQ(as("republic")
                  .put("/api/v1/quotas/2026/75/neurosurgery", json::object{{"allocated", allocated}})
                  .status,
              200);
  };
  auto const taken = quota().at("reserved").as_int64() + quota().at("used").as_int64();
  set_quota(taken);
  auto const id = id_of(doctor.new_referral("neurosurgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-4/2026"}}).status, 200);
  auto const centre = organization_of("hospital.neuro");
  auto const waiting = republic.act(id, "approve", {{"hospital_id", centre}});
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  ASSERT_EQ(state_of(waiting.json()), "waitlisted");
  news();
  set_quota(taken + 1);
  EXPECT_EQ(state_of(republic.get(id)), "talon_issued");
  EXPECT_EQ(news(), (News{{"doctor", {told("promoted", id)}},
                          {"hospital.neuro", {told("promoted", id)}}}));
}

TEST_F(NotificationsTest, ARefusedCommandTellsNoOne) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  news();
  // A stale version, a transition the state does not allow, a hospital that does not treat the
  // profile: each refused whole.
  auto const stale = as("commission").post(
      fmt::format("/api/v1/referrals/{}/actions/approve", id), json::object{{"protocol", "П-9"}},
      {{"if-match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(doctor.act(id, "resubmit", {{"comment", "x"}}).status, 409);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-9"}}).status, 200);
  news();
  EXPECT_EQ(republic.act(id, "approve", {{"hospital_id", organization_of("hospital.local")}}).status,
            422);
  EXPECT_EQ(news(), News{});
}

TEST_F(NotificationsTest, AReaderSeesAndMarksOnlyTheirOwnNotices) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "request_info", {{"comment", "Нужна ЭхоКГ"}}).status, 200);
  auto& reader = as("doctor");
  auto const page = reader.get("/api/v1/notifications?unread=true&limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  auto const body = page.json();
  auto const unread = body.at("unread").as_int64();
  ASSERT_GE(unread, 1);
  auto const& first = body.at("items").as_array().front();
  EXPECT_EQ(first.at("kind").as_string(), "info_requested");
  EXPECT_EQ(first.at("referral").at("id").as_int64(), id);
  EXPECT_FALSE(first.at("referral").at("code").as_string().empty());
  EXPECT_FALSE(first.at("read").as_bool());
  auto const notice = first.at("id").as_int64();

  // An unchanged inbox answers a poll with 304; a change gives a new ETag.
  auto const etag = page.header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(reader.get("/api/v1/notifications?unread=true&limit=1", {{"if-none-match", etag}}).status,
            304);

  // Another user cannot read or mark it.
  EXPECT_EQ(as("doctor.astana")
                .post(fmt::format("/api/v1/notifications/{}/read", notice), json::object{})
                .status,
            404);
  EXPECT_EQ(reader.post(fmt::format("/api/v1/notifications/{}/read", notice), json::object{}).status,
            204);
  auto const after = reader.get("/api/v1/notifications?unread=true&limit=1", {{"if-none-match", etag}});
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.json().at("unread").as_int64(), unread - 1);
  // Marking again changes nothing and is no error.
  EXPECT_EQ(reader.post(fmt::format("/api/v1/notifications/{}/read", notice), json::object{}).status,
            204);
  EXPECT_EQ(reader.post("/api/v1/notifications/999999/read", json::object{}).status, 404);
  EXPECT_EQ(reader.post("/api/v1/notifications/x/read", json::object{}).status, 404);

  EXPECT_EQ(reader.post("/api/v1/notifications/read-all", json::object{}).status, 204);
  auto const none = reader.get("/api/v1/notifications?unread=true").json();
  EXPECT_EQ(none.at("unread").as_int64(), 0);
  EXPECT_TRUE(none.at("items").as_array().empty());
  // The others' inboxes are untouched.
  EXPECT_GT(as("commission").get("/api/v1/notifications").json().at("unread").as_int64(), 0);

  // Paging: `next` reads on from where a page ended, each notice once.
  auto const all = reader.get("/api/v1/notifications?limit=100").json().at("items").as_array().size();
  std::size_t counted = 0;
  std::string target = "/api/v1/notifications?limit=2";
  for (int pages = 0; pages < 100; ++pages) {
    auto const chunk = reader.get(target).json();
    counted += chunk.at("items").as_array().size();
    if (chunk.at("next").is_null()) break;
    target = fmt::format("/api/v1/notifications?limit=2&after={}", chunk.at("next").as_int64());
  }
  EXPECT_EQ(counted, all);

  EXPECT_EQ(reader.get("/api/v1/notifications?unread=maybe").error_field(), "unread");
  EXPECT_EQ(reader.get("/api/v1/notifications?limit=0").error_field(), "limit");
  EXPECT_EQ(reader.get("/api/v1/notifications?limit=101").error_field(), "limit");
  EXPECT_EQ(reader.get("/api/v1/notifications?after=x").error_field(), "after");
  EXPECT_EQ(server.client().get("/api/v1/notifications").status, 401);
}

TEST_F(NotificationsTest, AReaderMovedToAnotherRegionKeepsNothingOfTheOld) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_GT(as("commission").get("/api/v1/notifications").json().at("unread").as_int64(), 0);
  auto admin = server.as("admin");
  auto const me = as("commission").get("/api/v1/me").json();
  auto const moved = admin.request(
      "PATCH", fmt::format("/api/v1/users/{}", me.at("id").as_int64()),
      json::serialize(json::object{{"region", "71"}}),
      {{"content-type", "application/json"}, {"authorization", "Bearer " + server.token("admin")}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto again = server.client();
  auto const session = again.post("/api/v1/session", json::object{{"login", "commission"},
                                                                  {"password", "joldama-demo"}});
  ASSERT_EQ(session.status, 200);
  again.use_token(std::string{session.json().at("token").as_string()});
  auto const inbox = again.get("/api/v1/notifications").json();
  EXPECT_EQ(inbox.at("unread").as_int64(), 0);
  EXPECT_TRUE(inbox.at("items").as_array().empty());
}

// The header's poll is the page, not the person: polling alone lets an idle session end.
TEST_F(NotificationsTest, PollingTheInboxDoesNotKeepAnIdleSessionOpen) {
  auto& reader = as("doctor");
  for (int minute = 0; minute < 25; minute += 5) {
    server.clock.advance(std::chrono::minutes{5});
    ASSERT_EQ(reader.get("/api/v1/notifications?limit=1").status, 200) << minute;
  }
  server.clock.advance(std::chrono::minutes{6});  // 31 minutes since the person last acted
  EXPECT_EQ(reader.get("/api/v1/notifications?limit=1").status, 401);
  // Whereas the person's own requests keep a session: a fresh one, used every 20 minutes.
  auto other = server.client();
  auto const session = other.post("/api/v1/session", json::object{{"login", "commission"},
                                                                  {"password", "joldama-demo"}});
  ASSERT_EQ(session.status, 200);
  other.use_token(std::string{session.json().at("token").as_string()});
  for (int i = 0; i < 2; ++i) {
    server.clock.advance(std::chrono::minutes{20});
    ASSERT_EQ(other.get("/api/v1/referrals?limit=1").status, 200) << i;
  }
  EXPECT_EQ(other.get("/api/v1/notifications?limit=1").status, 200);
}

}  // namespace
}  // namespace joldama
