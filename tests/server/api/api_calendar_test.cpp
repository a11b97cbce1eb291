// The calendar over real HTTP: its days, a day off an administrator adds, the open deadlines it
// moves (and those it must not), bad input, and the day kept across a restart.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

// The states whose deadline counts working days: a decision, an answer, the doctor's reply.
std::set<std::string> const kWorkingDayStates{
    "booking_requested", "commission_review", "in_person_scheduled", "info_requested",
    "republican_review", "talon_issued",      "abroad_review"};

// Tuesday 3 March 2026: the first working day after the test clock's Monday morning.
constexpr char const* kDayOff = "2026-03-03";

Timestamp instant(json::value const& v) {
  return parse_timestamp(std::string{v.as_string()}).value();
}

class CalendarTest : public ::testing::Test {
 protected:
  json::value calendar(HttpClient& client, int year) {
    auto const reply = client.get(fmt::format("/api/v1/calendar?year={}", year));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json();
  }
  std::map<std::int64_t, json::value> every_referral() {
    std::map<std::int64_t, json::value> out;
    auto republic = server.as("republic");
    auto const page = republic.get("/api/v1/referrals?limit=200").json();
    for (auto const& r : page.at("items").as_array()) out[id_of(r)] = r;
    return out;
  }

  TestServer server;
  HttpClient admin = server.as("admin");
};

TEST_F(CalendarTest, ListsTheYearsHolidaysDaysOffAndWorkingWeekends) {
  auto const year = calendar(admin, 2026);
  EXPECT_TRUE(year.at("covered").as_bool());
  std::map<std::string, std::string> kinds;
  for (auto const& d : year.at("days").as_array()) {
    kinds[std::string{d.at("date").as_string()}] = std::string{d.at("kind").as_string()};
    EXPECT_FALSE(d.at("announced").as_bool());
  }
  EXPECT_EQ(kinds.at("2026-03-23"), "holiday");  // Nauryz
  EXPECT_EQ(kinds.at("2026-01-01"), "holiday");
  EXPECT_FALSE(kinds.contains("2026-03-03"));
  // Every signed-in role may read it; the year is checked.
  auto doctor = server.as("doctor");
  EXPECT_EQ(calendar(doctor, 2026).at("days").as_array().size(), year.at("days").as_array().size());
  EXPECT_EQ(doctor.get("/api/v1/calendar?year=1900").error_field(), "year");
  EXPECT_EQ(doctor.get("/api/v1/calendar?year=soon").error_field(), "year");
  EXPECT_EQ(server.client().get("/api/v1/calendar").status, 401);
}

TEST_F(CalendarTest, ADayOffMovesTheOpenWorkingDayDeadlinesOnOrAfterItAndNothingElse) {
  auto const before = every_referral();
  auto const added = admin.post("/api/v1/calendar/days-off",
                                json::object{{"date", kDayOff}, {"description", "Перенос по приказу"}});
  ASSERT_EQ(added.status, 201) << added.body;
  auto const answer = added.json();
  std::set<std::int64_t> moved;
  for (auto const& id : answer.at("referrals").as_array()) moved.insert(id.as_int64());
  EXPECT_EQ(answer.at("deadlines_moved").as_int64(), static_cast<std::int64_t>(moved.size()));

  auto const with_day_off = testing::kazakhstan_calendar().with_day_off(*parse_date(kDayOff), "");
  auto const day_starts = start_of_local_day(*parse_date(kDayOff));
  auto const after = every_referral();
  int expected_moves = 0;
  int kept_planned_dates = 0;
  for (auto const& [id, was] : before) {
    auto const& now = after.at(id);
    bool const counts = kWorkingDayStates.contains(state_of(was)) && !was.at("deadline").is_null() &&
                        instant(was.at("deadline")) >= day_starts;
    if (!counts) {
      EXPECT_EQ(now.at("deadline"), was.at("deadline")) << id << " " << state_of(was);
      EXPECT_EQ(now.at("version"), was.at("version")) << id;
      EXPECT_FALSE(moved.contains(id)) << id;
      if (state_of(was) == "scheduled" && !was.at("deadline").is_null()) ++kept_planned_dates;
      continue;
    }
    ++expected_moves;
    EXPECT_TRUE(moved.contains(id)) << id;
    auto const expected =
        end_of_local_day(with_day_off.add_working_days(local_date(instant(was.at("deadline"))), 1));
    EXPECT_EQ(now.at("deadline").as_string(), format_timestamp(expected)) << id << " " << state_of(was);
    EXPECT_GT(now.at("version").as_int64(), was.at("version").as_int64()) << id;
  }
  EXPECT_GT(expected_moves, 3) << "the demo has open steps across the day";
  EXPECT_GT(kept_planned_dates, 0) << "the demo has admissions planned after the day";
  EXPECT_EQ(static_cast<int>(moved.size()), expected_moves);

  // The history says why the deadline moved; the audit has one event per referral and the day's.
  auto doctor = server.as("doctor");
  auto const some = *moved.begin();
  auto const history = server.as("republic").get(fmt::format("/api/v1/referrals/{}", some)).json();
  bool told = false;
  for (auto const& e : history.at("history").as_array()) told |= e.at("action").as_string() == "deadline_moved";
  EXPECT_TRUE(told);
  auto const audit = admin.get("/api/v1/audit?action=add_day_off").json();
  ASSERT_EQ(audit.as_array().size(), 1u);

  // The day counts for what comes next: a step begun now ends a working day later than before.
  auto const calendar_now = calendar(admin, 2026);
  bool listed = false;
  for (auto const& d : calendar_now.at("days").as_array()) {
    if (d.at("date").as_string() == kDayOff) {
      listed = true;
      EXPECT_TRUE(d.at("announced").as_bool());
      EXPECT_EQ(d.at("kind").as_string(), "day_off");
      EXPECT_EQ(d.at("description").as_string(), "Перенос по приказу");
    }
  }
  EXPECT_TRUE(listed);
  Journey journey{doctor};
  auto const fresh = journey.new_referral("surgery");
  auto const submitted = journey.act(id_of(fresh), "submit");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  auto const today = local_date(server.clock.now());
  EXPECT_EQ(submitted.json().at("deadline").as_string(),
            format_timestamp(end_of_local_day(with_day_off.add_working_days(today, 10))));
  EXPECT_NE(with_day_off.add_working_days(today, 10),
            testing::kazakhstan_calendar().add_working_days(today, 10));
}

TEST_F(CalendarTest, BadDaysAreRefusedByTheirFieldAndWriteNothing) {
  auto const refused = [&](json::object body, int status, std::string const& field) {
    auto const reply = admin.post("/api/v1/calendar/days-off", body);
    EXPECT_EQ(reply.status, status) << json::serialize(body) << " " << reply.body;
    EXPECT_EQ(reply.error_field(), field) << json::serialize(body);
  };
  refused({{"description", "x"}}, 422, "date");
  refused({{"date", "2026-02-30"}, {"description", "x"}}, 422, "date");
  refused({{"date", "2026-03-02"}, {"description", "Today"}}, 422, "date");   // not ahead
  refused({{"date", "2026-02-20"}, {"description", "Past"}}, 422, "date");
  refused({{"date", "2029-03-02"}, {"description", "Far"}}, 422, "date");     // beyond two years
  refused({{"date", "2026-03-07"}, {"description", "Saturday"}}, 409, "date");
  refused({{"date", "2026-03-23"}, {"description", "Nauryz"}}, 409, "date");
  refused({{"date", "2026-03-04"}, {"description", ""}}, 422, "description");
  refused({{"date", "2026-03-04"}}, 422, "description");
  refused({{"date", "2026-03-04"}, {"description", std::string(201, 'x')}}, 422, "description");
  refused({{"date", "2026-03-04"}, {"description", "x"}, {"kind", "holiday"}}, 422, "kind");
  auto doctor = server.as("doctor");
  auto const forbidden = doctor.post("/api/v1/calendar/days-off",
                                     json::object{{"date", "2026-03-04"}, {"description", "x"}});
  EXPECT_EQ(forbidden.status, 403);
  auto const untouched = every_referral();
  auto const unchanged = calendar(admin, 2026);
  for (auto const& d : unchanged.at("days").as_array()) {
    EXPECT_FALSE(d.at("announced").as_bool()) << d.at("date");
  }
  EXPECT_EQ(every_referral(), untouched);  // no refusal moved a deadline
  ASSERT_EQ(admin.post("/api/v1/calendar/days-off",
                       json::object{{"date", "2026-03-04"}, {"description", "Once"}})
                .status,
            201);
  refused({{"date", "2026-03-04"}, {"description", "Twice"}}, 409, "date");
}

TEST_F(CalendarTest, AnAddedDayOffIsKeptAcrossARestart) {
  ASSERT_EQ(admin.post("/api/v1/calendar/days-off",
                       json::object{{"date", kDayOff}, {"description", "Перенос"}})
                .status,
            201);
  server.restart();
  auto again = server.as("admin");
  bool listed = false;
  auto const restarted = calendar(again, 2026);
  for (auto const& d : restarted.at("days").as_array()) {
    listed |= d.at("date").as_string() == kDayOff && d.at("announced").as_bool();
  }
  EXPECT_TRUE(listed);
  // And counted: a step begun after the restart skips it.
  auto doctor = server.as("doctor");
  Journey journey{doctor};
  auto const fresh = journey.new_referral("surgery");
  auto const submitted = journey.act(id_of(fresh), "submit");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  auto const with_day_off = testing::kazakhstan_calendar().with_day_off(*parse_date(kDayOff), "");
  EXPECT_EQ(submitted.json().at("deadline").as_string(),
            format_timestamp(
                end_of_local_day(with_day_off.add_working_days(local_date(server.clock.now()), 10))));
  EXPECT_EQ(again.post("/api/v1/calendar/days-off",
                       json::object{{"date", kDayOff}, {"description", "Again"}})
                .status,
            409);
}

}  // namespace
}  // namespace joldama
