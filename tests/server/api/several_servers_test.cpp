// Two Joldama servers on one PostgreSQL database, as behind a load balancer: each with its own
// writer, readers, session cache and calendar, sharing nothing but the database. The races split
// across both keep their exact counts, a replay of an Idempotency-Key is answered by either, a
// session made on one works on the other and ends on both at once, and a day off announced on
// one moves the other's deadlines. Runs in the PostgreSQL pass (JOLDAMA_TEST_ENGINE=postgres).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "storage/audit_chain.hpp"
#include "storage/coordination.hpp"
#include "tests/support/test_bureau.hpp"
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

// A notice between servers travels through the database: allow it a moment to arrive.
template <class Predicate>
bool eventually(Predicate holds) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (holds()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return holds();
}

class SeveralServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::on_postgres()) GTEST_SKIP() << "several servers share a PostgreSQL database";
    first = std::make_unique<TestServer>();
    second = std::make_unique<TestServer>(*first);
  }
  void TearDown() override {
    second.reset();
    first.reset();
  }

  // Approves `id` (in republican review) for the Astana hospital as the republican level.
  HttpReply approve(TestServer& server, std::int64_t id) {
    auto republic = server.as("republic");
    auto const hospital = server.as("hospital").get("/api/v1/me").json();
    return Journey{republic}.act(
        id, "approve",
        {{"hospital_id", hospital.at("organization").at("id").as_int64()}, {"comment", "ok"}});
  }

  std::unique_ptr<TestServer> first;
  std::unique_ptr<TestServer> second;
};

TEST_F(SeveralServersTest, ASessionMadeOnOneWorksOnTheOtherAndEndsOnBothAtOnce) {
  auto on_first = first->as("doctor");
  auto const token = first->token("doctor");
  HttpClient on_second{second->port};
  on_second.use_token(token);
  ASSERT_EQ(on_second.get("/api/v1/me").status, 200);
  // Both now trust the session for a few seconds without reading it again; signing out on one
  // must end it on the other at once.
  ASSERT_EQ(on_first.get("/api/v1/me").status, 200);
  ASSERT_EQ(on_first.del("/api/v1/session").status, 204);
  EXPECT_TRUE(eventually([&] { return on_second.get("/api/v1/me").status == 401; }))
      << "the second server still trusts a session ended on the first";

  // An administrator disables a user on the second server: the first refuses them as promptly.
  auto doctor = first->as("doctor.astana");
  ASSERT_EQ(doctor.get("/api/v1/me").status, 200);
  auto admin = second->as("admin");
  auto const users = admin.get("/api/v1/users").json().as_array();
  std::int64_t user_id = 0;
  for (auto const& u : users) {
    if (u.at("user").at("login").as_string() == "doctor.astana") {
      user_id = u.at("user").at("id").as_int64();
    }
  }
  ASSERT_NE(user_id, 0);
  auto const disabled = admin.request(
      "PATCH", fmt::format("/api/v1/users/{}", user_id), R"({"disabled":true})",
      {{"content-type", "application/json"}, {"authorization", "Bearer " + second->token("admin")}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(eventually([&] { return doctor.get("/api/v1/me").status == 401; }));
}

TEST_F(SeveralServersTest, FailedSignInsAlternatingBetweenServersAreCountedTogether) {
  // Five free failures of a login at an address; a guesser whose attempts the load balancer
  // sends to each server in turn gets no more.
  auto const attempt = [](TestServer& server, std::string_view password) {
    HttpClient client{server.port};
    return client.post("/api/v1/session", json::object{{"login", "doctor"}, {"password", password}});
  };
  for (int i = 0; i < 5; ++i) {
    auto const reply = attempt(i % 2 == 0 ? *first : *second, "not-it");
    ASSERT_EQ(reply.status, 401) << i << reply.body;
  }
  auto const sixth = attempt(*second, "joldama-demo");
  EXPECT_EQ(sixth.status, 429) << "the second server saw two failures itself, the first three";
  EXPECT_TRUE(sixth.header("retry-after").has_value());
}

TEST_F(SeveralServersTest, TheQuotaRaceSplitAcrossBothGivesExactlyItsUnits) {
  constexpr int kUnits = 3;
  constexpr int kReferrals = 10;
  auto republic = first->as("republic");
  auto const quota = republic.get("/api/v1/quotas?period=2026&region=75&profile=cardiac_surgery")
                         .json()
                         .as_array()
                         .at(0);
  auto const held = quota.at("reserved").as_int64() + quota.at("used").as_int64();
  ASSERT_EQ(republic.put("/api/v1/quotas/2026/75/cardiac_surgery",
                         json::object{{"allocated", held + kUnits}})
                .status,
            200);
  std::vector<std::int64_t> ids;
  auto doctor = first->as("doctor");
  auto commission = second->as("commission");
  for (int i = 0; i < kReferrals; ++i) {
    auto const referral = Journey{doctor}.new_referral("cardiac_surgery");
    auto const id = id_of(referral);
    ASSERT_EQ(Journey{doctor}.act(id, "submit").status, 200);
    ASSERT_EQ(Journey{commission}.act(id, "approve", {{"protocol", "P-1/2026"}}).status, 200);
    ids.push_back(id);
  }
  std::vector<HttpReply> replies(ids.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { replies[i] = approve(i % 2 == 0 ? *first : *second, ids[i]); });
  }
  for (auto& t : threads) t.join();
  int talons = 0;
  int waiting = 0;
  for (auto const& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto const state = state_of(reply.json());
    talons += state == "talon_issued";
    waiting += state == "waitlisted";
  }
  EXPECT_EQ(talons, kUnits);
  EXPECT_EQ(waiting, kReferrals - kUnits);
  auto const after = second->as("republic")
                         .get("/api/v1/quotas?period=2026&region=75&profile=cardiac_surgery")
                         .json()
                         .as_array()
                         .at(0);
  EXPECT_EQ(after.at("reserved").as_int64() + after.at("used").as_int64(), held + kUnits);
  EXPECT_EQ(after.at("available").as_int64(), 0);
  // Every quota's counters are the referrals that hold its units, and the audit chain, appended
  // to by both, is one chain under the key they share.
  auto db = testing::open_database(first->location);
  EXPECT_EQ(testing::scalar_text(*db, testing::kQuotasWhoseCountersDisagree), "0");
  auto const chain = storage::verify_audit(*db, storage::AuditEvidence{first->audit_keys.get()});
  ASSERT_TRUE(chain.has_value());
  EXPECT_TRUE(chain->ok) << chain->reason;
}

TEST_F(SeveralServersTest, ThePlaceRaceSplitAcrossBothBooksExactlyThePlaces) {
  constexpr int kPlaces = 4;
  constexpr int kBookings = 12;
  constexpr char const* kDay = "2026-03-10";
  auto staff = first->as("hospital.75");
  auto const hospital = staff.get("/api/v1/me").json().at("organization").at("id").as_int64();
  auto const places = fmt::format("/api/v1/places/{}/surgery/{}", hospital, kDay);
  auto const day = [&] {
    return first->client()
        .get(fmt::format("/api/v1/places?hospital_id={}&profile=surgery&from={}&days=1",
                         hospital, kDay))
        .json()
        .as_array()
        .at(0);
  };
  ASSERT_EQ(staff.put(places, json::object{{"capacity", 100}}).status, 200);
  auto doctor = second->as("doctor");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kBookings; ++i) {
    auto const id = id_of(Journey{doctor}.new_referral("surgery", "routine", "75", "planned"));
    ASSERT_EQ(Journey{doctor}
                  .act(id, "book", {{"hospital_id", hospital}, {"planned_date", kDay}})
                  .status,
              200);
    ids.push_back(id);
  }
  auto const booked = day().at("booked").as_int64();
  ASSERT_EQ(staff.put(places, json::object{{"capacity", booked + kPlaces}}).status, 200);
  std::vector<std::string> tokens{first->token("hospital.75"), second->token("hospital.75")};
  std::vector<HttpReply> replies(ids.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient own{i % 2 == 0 ? first->port : second->port};
      own.use_token(tokens[i % 2]);
      replies[i] = own.post(fmt::format("/api/v1/referrals/{}/actions/confirm", ids[i]),
                            json::object{}, {{"if-match", "\"2\""}});
    });
  }
  for (auto& t : threads) t.join();
  int confirmed = 0;
  for (auto const& reply : replies) {
    if (reply.status == 200) {
      ++confirmed;
    } else {
      EXPECT_EQ(reply.error_code(), "no_free_place") << reply.body;
    }
  }
  EXPECT_EQ(confirmed, kPlaces);
  EXPECT_EQ(day().at("booked").as_int64(), booked + kPlaces);
  EXPECT_EQ(day().at("free").as_int64(), 0);
}

TEST_F(SeveralServersTest, AReplayedIdempotencyKeyIsAnsweredByEitherServer) {
  auto on_first = first->as("doctor");
  HttpClient on_second{second->port};
  on_second.use_token(first->token("doctor"));
  auto const iin = Journey{on_first}.new_patient();
  json::object const body{{"patient_iin", iin},
                          {"icd10", "I25.1"},
                          {"profile", "cardiology"},
                          {"urgency", "routine"},
                          {"care_form", "inpatient"},
                          {"justification", "Needs what the region cannot give."}};
  auto const made = on_first.post("/api/v1/referrals", body, {{"idempotency-key", "across-1"}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto const replayed =
      on_second.post("/api/v1/referrals", body, {{"idempotency-key", "across-1"}});
  EXPECT_EQ(replayed.status, 201);
  EXPECT_EQ(replayed.body, made.body) << "the first answer, byte for byte";
  json::object other = body;
  other["profile"] = "oncology";
  auto const reused = on_second.post("/api/v1/referrals", other, {{"idempotency-key", "across-1"}});
  EXPECT_EQ(reused.error_code(), "idempotency_key_reused") << reused.body;
  auto db = testing::open_database(first->location);
  EXPECT_EQ(testing::scalar_text(
                *db, fmt::format("SELECT count(*) FROM referrals WHERE patient_iin = '{}'", iin)),
            "1");
}

TEST_F(SeveralServersTest, ADayOffAnnouncedOnOneMovesTheOthersDeadlines) {
  // Wednesday 4 March is an ordinary working day until the first server announces it off.
  auto const deadline_of = [](TestServer& server) {
    auto doctor = server.as("doctor");
    auto const id = id_of(Journey{doctor}.new_referral());
    auto const submitted = Journey{doctor}.act(id, "submit");
    EXPECT_EQ(submitted.status, 200) << submitted.body;
    return std::string{submitted.json().at("deadline").as_string()};
  };
  auto const before = deadline_of(*second);
  auto admin = first->as("admin");
  auto const announced = admin.post(
      "/api/v1/calendar/days-off", json::object{{"date", "2026-03-04"}, {"description", "Order"}});
  ASSERT_EQ(announced.status, 201) << announced.body;
  EXPECT_TRUE(eventually([&] { return deadline_of(*second) != before; }))
      << "the second server still counts 4 March as a working day";
  EXPECT_EQ(deadline_of(*second), deadline_of(*first));
}

TEST_F(SeveralServersTest, OneServerSweepsAtATime) {
  // The turns of two servers of this database, each on a session of its own. Not the running
  // servers' own: their sweepers take the same turns (a sweep at start, then hourly), and a
  // session takes a turn it holds again; so wait out a sweep a server may be running now.
  auto one = storage::coordination_for(first->location);
  auto other = storage::coordination_for(first->location);
  ASSERT_TRUE(eventually([&] { return one->begin_sweep_turn(); }));
  EXPECT_FALSE(other->begin_sweep_turn()) << "the first one's turn";
  one->end_sweep_turn();
  EXPECT_TRUE(eventually([&] { return other->begin_sweep_turn(); }));
  EXPECT_FALSE(one->begin_sweep_turn());
  other->end_sweep_turn();
}

}  // namespace
}  // namespace joldama
