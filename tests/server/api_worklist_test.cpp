// Worklists over real HTTP: scope, filters, search, counts and cursor paging.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

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
