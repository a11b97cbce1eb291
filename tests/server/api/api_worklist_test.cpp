// Worklists over real HTTP: scope, filters, search, counts and cursor paging.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <set>
#include <tuple>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

class WorklistTest : public ::testing::Test {
 protected:
  std::vector<json::value> items(HttpClient& client, std::string const& query) {
    auto const reply = client.get("/api/v1/referrals" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto const value = reply.json();
    if (!value.is_object()) return {};
    auto const& array = value.at("items").as_array();
    return {array.begin(), array.end()};
  }

  TestServer server;
  HttpClient doctor = server.as("doctor");
  HttpClient commission = server.as("commission");
  HttpClient republic = server.as("republic");
};

TEST_F(WorklistTest, EachRoleSeesItsScopeOnly) {
  for (auto const& r : items(doctor, "?limit=200")) {
    EXPECT_EQ(r.at("referring_organization").at("name").as_string(),
              "Городская поликлиника №5 г. Алматы");
  }
  for (auto const& r : items(commission, "?limit=200")) {
    EXPECT_EQ(r.at("patient").at("region").as_string(), "75");
  }
  auto hospital = server.as("hospital");
  auto const talons = items(hospital, "?limit=200");
  EXPECT_FALSE(talons.empty());
  for (auto const& r : talons) {
    EXPECT_EQ(r.at("talon").at("hospital").at("name").as_string(),
              "Национальный научный кардиохирургический центр");
  }
  auto const all = items(republic, "?limit=200");
  std::set<std::string> regions;
  for (auto const& r : all) regions.insert(std::string{r.at("patient").at("region").as_string()});
  EXPECT_EQ(regions, (std::set<std::string>{"71", "75"}));
}

TEST_F(WorklistTest, FiltersAndSearch) {
  for (auto const& r : items(commission, "?state=commission_review,in_person_scheduled")) {
    auto const state = state_of(r);
    EXPECT_TRUE(state == "commission_review" || state == "in_person_scheduled") << state;
  }
  for (auto const& r : items(republic, "?profile=transplantation")) {
    EXPECT_EQ(r.at("profile").as_string(), "transplantation");
  }
  for (auto const& r : items(republic, "?region=71")) {
    EXPECT_EQ(r.at("patient").at("region").as_string(), "71");
  }
  // The demo's commission step submitted three weeks before is overdue.
  auto const overdue = items(commission, "?overdue=true");
  ASSERT_FALSE(overdue.empty());
  for (auto const& r : overdue) EXPECT_TRUE(r.at("overdue").as_bool());

  auto const any = items(republic, "?limit=1").front();
  auto const code = std::string{any.at("code").as_string()};
  auto const iin = std::string{any.at("patient").at("iin").as_string()};
  auto const by_code = items(republic, "?q=" + code.substr(0, 8));
  EXPECT_TRUE(std::any_of(by_code.begin(), by_code.end(),
                          [&](auto const& r) { return id_of(r) == id_of(any); }));
  auto const by_iin = items(republic, "?q=" + iin.substr(0, 6));
  EXPECT_TRUE(std::any_of(by_iin.begin(), by_iin.end(),
                          [&](auto const& r) { return id_of(r) == id_of(any); }));
  // Names match whatever the case, in Kazakh and Russian letters: "сейтқали" finds "Сейтқали".
  auto const by_name = items(commission, "?q=%D1%81%D0%B5%D0%B9%D1%82%D2%9B%D0%B0%D0%BB%D0%B8");
  ASSERT_EQ(by_name.size(), 1u);
  EXPECT_EQ(by_name.front().at("patient").at("name").as_string(), "Сейтқали Айгерім Бекқызы");
  EXPECT_EQ(commission.get("/api/v1/referrals?state=lost").error_field(), "state");
  EXPECT_EQ(commission.get("/api/v1/referrals?limit=0").error_field(), "limit");
  EXPECT_EQ(commission.get("/api/v1/referrals?after=zzz").error_field(), "after");
}

TEST_F(WorklistTest, UrgentFirstThenLongestWaitingAndPagingCoversEveryRowOnce) {
  Journey journey{doctor};
  for (int i = 0; i < 7; ++i) {
    journey.new_referral("surgery", i % 3 == 0 ? "urgent" : "routine");
    server.clock.advance(std::chrono::minutes{3});
  }
  auto const everything = items(doctor, "?limit=200");
  std::vector<std::int64_t> seen;
  std::string after;
  for (int page = 0; page < 20; ++page) {
    auto const reply =
        doctor.get("/api/v1/referrals?limit=3" + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(reply.status, 200);
    auto const page_json = reply.json();
    for (auto const& r : page_json.at("items").as_array()) seen.push_back(id_of(r));
    auto const& next = page_json.at("next");
    if (next.is_null()) break;
    after = std::string{next.as_string()};
  }
  ASSERT_EQ(seen.size(), everything.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], id_of(everything[i]));
  // Urgent rows come before routine ones; within each, the longest waiting first.
  bool routine_seen = false;
  std::string previous_since;
  std::string previous_urgency;
  for (auto const& r : everything) {
    auto const urgency = std::string{r.at("urgency").as_string()};
    auto const since = std::string{r.at("state_since").as_string()};
    if (urgency == "routine") routine_seen = true;
    if (routine_seen) {
      EXPECT_EQ(urgency, "routine");
    }
    if (urgency == previous_urgency) {
      EXPECT_LE(previous_since, since);
    }
    previous_urgency = urgency;
    previous_since = since;
  }
}

TEST_F(WorklistTest, CountsPerState) {
  auto const reply = commission.get("/api/v1/referrals/counts");
  ASSERT_EQ(reply.status, 200);
  auto const counts = reply.json();
  std::int64_t sum = 0;
  for (auto const& [state, n] : counts.at("counts").as_object()) sum += n.as_int64();
  EXPECT_EQ(sum, counts.at("total").as_int64());
  EXPECT_EQ(static_cast<std::size_t>(counts.at("total").as_int64()),
            items(commission, "?limit=200").size());
  EXPECT_EQ(
      commission.get("/api/v1/referrals/counts?state=waitlisted").json().at("total").as_int64(), 1);
}

}  // namespace
}  // namespace joldama

namespace joldama {
namespace {

std::set<std::int64_t> ids_of(std::vector<json::value> const& rows) {
  std::set<std::int64_t> ids;
  for (auto const& r : rows) ids.insert(r.at("id").as_int64());
  return ids;
}

Timestamp instant(json::value const& v) {
  return parse_timestamp(std::string{v.as_string()}).value();
}

// The home page's windows: what falls due by a day (still ahead), what is in its state since a
// moment, and the registration-date range; each the same rows as filtering the whole list here.
TEST_F(WorklistTest, DeadlineWindowsWhatIsNewAndRegistrationDates) {
  auto const all = items(republic, "?limit=200");
  ASSERT_GT(all.size(), 5u);
  auto const now = testing::demo_epoch();

  auto const until = end_of_local_day(*parse_date("2026-03-06"));
  std::set<std::int64_t> due;
  for (auto const& r : all) {
    if (r.at("deadline").is_null()) continue;
    auto const at = instant(r.at("deadline"));
    if (at >= now && at <= until) due.insert(r.at("id").as_int64());
  }
  ASSERT_FALSE(due.empty());
  EXPECT_EQ(ids_of(items(republic, "?limit=200&due_by=2026-03-06")), due);
  auto const counted = republic.get("/api/v1/referrals/counts?due_by=2026-03-06").json();
  EXPECT_EQ(counted.at("total").as_int64(), static_cast<std::int64_t>(due.size()));

  std::vector<Timestamp> moments;
  for (auto const& r : all) moments.push_back(instant(r.at("state_since")));
  std::sort(moments.begin(), moments.end());
  auto const middle = moments[moments.size() / 2];
  std::set<std::int64_t> recent;
  for (auto const& r : all) {
    if (instant(r.at("state_since")) >= middle) recent.insert(r.at("id").as_int64());
  }
  auto since = format_timestamp(middle);
  if (auto plus = since.find('+'); plus != std::string::npos) since.replace(plus, 1, "%2B");
  EXPECT_EQ(ids_of(items(republic, "?limit=200&since=" + since)), recent) << since;

  auto const first_day = local_date(instant(all.front().at("created_at")));
  std::set<std::int64_t> that_day;
  for (auto const& r : all) {
    if (local_date(instant(r.at("created_at"))) == first_day) that_day.insert(r.at("id").as_int64());
  }
  auto const day = format_date(first_day);
  EXPECT_EQ(ids_of(items(republic, fmt::format("?limit=200&created_from={0}&created_to={0}", day))),
            that_day);
}

TEST_F(WorklistTest, BadWindowsAreRefusedByTheirField) {
  auto const refused = [&](std::string const& query, std::string const& field) {
    auto const reply = republic.get("/api/v1/referrals" + query);
    EXPECT_EQ(reply.status, 422) << query << " " << reply.body;
    EXPECT_EQ(reply.json().at("error").at("field").as_string(), field) << query;
  };
  refused("?due_by=2026-13-01", "due_by");
  refused("?due_by=tomorrow", "due_by");
  refused("?since=yesterday", "since");
  refused("?created_from=2026-03-05&created_to=2026-03-01", "created_to");
  refused("?created_from=2010-01-01&created_to=2026-03-01", "created_to");
  refused("?created_from=2026-02-30", "created_from");
  auto const counts = republic.get("/api/v1/referrals/counts?created_from=2026-03-05&created_to=2026-03-01");
  EXPECT_EQ(counts.status, 422);
}


// Every order, for every role's scope and with a state filter: page by page (three rows a page)
// the same rows as the whole list, each once, in the order sorting the whole list here gives.
TEST_F(WorklistTest, EverySortOrderPagesThroughTheWholeListInItsOrder) {
  Journey journey{doctor};
  for (int i = 0; i < 6; ++i) {
    journey.new_referral("surgery", i % 2 == 0 ? "urgent" : "routine");
    server.clock.advance(std::chrono::minutes{2});
  }
  auto hospital = server.as("hospital");
  auto const millis = [](json::value const& v) {
    return v.is_null() ? std::numeric_limits<std::int64_t>::max() : to_millis(instant(v));
  };
  auto const position = [](json::value const& r) {
    return static_cast<std::int64_t>(*parse<State>(state_of(r)));
  };
  auto const urgency = [](json::value const& r) { return r.at("urgency").as_string() == "urgent" ? 0 : 1; };
  using Key = std::tuple<std::int64_t, int, std::int64_t, std::int64_t>;
  auto const key = [&](json::value const& r, std::string const& sort) -> Key {
    auto const id = id_of(r);
    auto const since = millis(r.at("state_since"));
    if (sort == "deadline") return {millis(r.at("deadline")), 0, 0, id};
    if (sort == "-deadline") return {-millis(r.at("deadline")), 0, 0, -id};
    if (sort == "created_at") return {millis(r.at("created_at")), 0, 0, id};
    if (sort == "-created_at") return {-millis(r.at("created_at")), 0, 0, -id};
    return {position(r), urgency(r), since, id};  // state
  };
  for (auto* client : {&doctor, &commission, &hospital, &republic}) {
    for (std::string const filter : {"", "&state=registered,commission_review,talon_issued,waitlisted"}) {
      auto const whole = items(*client, "?limit=200" + filter);
      ASSERT_FALSE(whole.empty()) << filter;
      for (std::string const sort : {"deadline", "-deadline", "created_at", "-created_at", "state"}) {
        std::vector<json::value> expected = whole;
        std::stable_sort(expected.begin(), expected.end(), [&](auto const& a, auto const& b) {
          return key(a, sort) < key(b, sort);
        });
        std::vector<std::int64_t> seen;
        std::string after;
        for (int page = 0; page < 100; ++page) {
          auto const reply = client->get("/api/v1/referrals?limit=3&sort=" + sort + filter +
                                         (after.empty() ? "" : "&after=" + after));
          ASSERT_EQ(reply.status, 200) << reply.body;
          auto const body = reply.json();
          for (auto const& r : body.at("items").as_array()) seen.push_back(id_of(r));
          if (body.at("next").is_null()) break;
          after = std::string{body.at("next").as_string()};
        }
        ASSERT_EQ(seen.size(), expected.size()) << sort << filter;
        for (std::size_t i = 0; i < seen.size(); ++i) {
          EXPECT_EQ(seen[i], id_of(expected[i])) << sort << filter << " row " << i;
        }
      }
    }
  }
  // A cursor belongs to its order; unknown orders are named.
  auto const first = doctor.get("/api/v1/referrals?limit=1&sort=deadline").json();
  auto const cursor = std::string{first.at("next").as_string()};
  EXPECT_EQ(doctor.get("/api/v1/referrals?limit=1&sort=state&after=" + cursor).error_field(), "after");
  EXPECT_EQ(doctor.get("/api/v1/referrals?limit=1&after=" + cursor).error_field(), "after");
  EXPECT_EQ(doctor.get("/api/v1/referrals?sort=urgency").error_field(), "sort");
  EXPECT_EQ(doctor.get("/api/v1/referrals?sort=deadline&after=deadline~x.1.2.3").error_field(),
            "after");
}

// "My patients": a doctor's own referrals, not their colleagues' at the same polyclinic.
TEST_F(WorklistTest, MineIsTheDoctorsOwnReferrals) {
  auto admin = server.as("admin");
  auto const polyclinic = doctor.get("/api/v1/me").json().at("organization").at("id");
  auto const created = admin.post(
      "/api/v1/users", json::object{{"login", "doctor.two"}, {"name", "Әлиев Нұрлан"},
                                    {"role", "doctor"}, {"organization_id", polyclinic},
                                    {"locale", "ru"}, {"password", "correct horse battery"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto colleague = server.client();
  auto const session = colleague.post(
      "/api/v1/session",
      json::object{{"login", "doctor.two"}, {"password", "correct horse battery"}});
  ASSERT_EQ(session.status, 200);
  colleague.use_token(std::string{session.json().at("token").as_string()});
  // The administrator set the password: the colleague chooses one of their own first.
  ASSERT_EQ(colleague.post("/api/v1/me/password",
                           json::object{{"current", "correct horse battery"},
                                        {"new", "a quite different phrase"}})
                .status,
            204);
  Journey theirs{colleague};
  std::set<std::int64_t> colleagues;
  for (int i = 0; i < 2; ++i) colleagues.insert(theirs.new_referral("surgery", "routine").at("id").as_int64());

  auto const everyone = ids_of(items(doctor, "?limit=200"));
  auto const own = ids_of(items(doctor, "?limit=200&mine=true"));
  EXPECT_EQ(ids_of(items(colleague, "?limit=200&mine=true")), colleagues);
  EXPECT_FALSE(own.empty());
  for (auto id : colleagues) {
    EXPECT_TRUE(everyone.contains(id));
    EXPECT_FALSE(own.contains(id));
  }
  EXPECT_EQ(own.size() + colleagues.size(), everyone.size());
  EXPECT_EQ(doctor.get("/api/v1/referrals/counts?mine=true").json().at("total").as_int64(),
            static_cast<std::int64_t>(own.size()));
  EXPECT_EQ(doctor.get("/api/v1/referrals?mine=maybe").error_field(), "mine");
  EXPECT_EQ(commission.get("/api/v1/referrals?mine=true").error_field(), "mine");
}

TEST_F(WorklistTest, ASittingsProtocolListsWhatItApproved) {
  Journey journey{doctor};
  Journey commission_journey{commission};
  std::set<std::int64_t> sitting;
  for (auto const* protocol : {"П-91/2026", "П-91/2026", "П-92/2026"}) {
    auto const id = id_of(journey.new_referral("cardiac_surgery", "routine", "75"));
    ASSERT_EQ(journey.act(id, "submit").status, 200);
    ASSERT_EQ(commission_journey.act(id, "approve", {{"protocol", protocol}}).status, 200);
    if (std::string_view{protocol} == "П-91/2026") sitting.insert(id);
  }
  // The sitting's cases, in the commission's region and for the ministry; for another region's
  // commission, none.
  EXPECT_EQ(ids_of(items(commission, "?protocol=%D0%9F-91%2F2026&limit=200")), sitting);
  EXPECT_EQ(ids_of(items(republic, "?protocol=%D0%9F-91%2F2026&limit=200")), sitting);
  auto astana = server.as("commission.astana");
  EXPECT_TRUE(items(astana, "?protocol=%D0%9F-91%2F2026").empty());
  EXPECT_EQ(
      commission.get("/api/v1/referrals/counts?protocol=%D0%9F-91%2F2026").json().at("total"),
      2);
  EXPECT_EQ(commission.get(fmt::format("/api/v1/referrals?protocol={:7>65}", "")).error_field(),
            "protocol");
}

}  // namespace
}  // namespace joldama
