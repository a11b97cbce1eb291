// The API's reads on a pool of threads of their own (read_threads), as an engine across a socket
// needs them: sessions looked up, lists and records read and audited, errors and a password
// change that reads first, all answered correctly by many clients at once.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::Journey;
using testing::TestServer;

TEST(PooledReads, ManyClientsAtOnceEachGetTheirOwnAnswers) {
  TestServer server{[](server::ServerConfig& c) { c.read_threads = 3; }};
  auto doctor = server.as("doctor");
  Journey journey{doctor};
  auto const referral = journey.new_referral();
  auto const id = referral.at("id").as_int64();

  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      // Each signs in afresh, so that its first request misses the session cache and reads
      // the session on the pool.
      HttpClient client{server.port};
      client.use_token(testing::sign_in(server.port, t % 2 == 0 ? "doctor" : "commission"));
      for (int i = 0; i < 20; ++i) {
        auto const me = client.get("/api/v1/me");
        auto const expected_login = t % 2 == 0 ? "doctor" : "commission";
        if (me.status != 200 || me.json().at("login").as_string() != expected_login) ++wrong;
        auto const one = client.get("/api/v1/referrals/" + std::to_string(id));
        if (one.status != 200 || one.json().at("id").as_int64() != id) ++wrong;
        auto const list = client.get("/api/v1/referrals?limit=5");
        if (list.status != 200) ++wrong;
        auto const missing = client.get("/api/v1/referrals/999999999");
        if (missing.status != 404) ++wrong;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PooledReads, TheServerStopsCleanlyWithReadsInHand) {
  // Reads on the pool answer through their connection's I/O executor: stopping the server while
  // clients keep reading must finish those reads before that executor goes (the sanitizers
  // catch an answer that comes after it).
  auto server = std::make_unique<TestServer>([](server::ServerConfig& c) { c.read_threads = 2; });
  auto const token = testing::sign_in(server->port, "doctor");
  std::atomic<int> answered{0};
  std::atomic<int> reading{4};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      HttpClient client{server->port};
      client.use_token(token);
      for (;;) {
        auto const reply = client.get("/api/v1/referrals?limit=5");
        if (reply.status != 200) break;  // the server has gone
        ++answered;
      }
      --reading;
    });
  }
  while (answered.load() < 100 && reading.load() > 0) std::this_thread::yield();
  server.reset();
  for (auto& c : clients) c.join();
  EXPECT_GE(answered.load(), 100);
}

TEST(PooledReads, AnUnknownOrEndedSessionIsRefusedAfterItsLookup) {
  TestServer server{[](server::ServerConfig& c) { c.read_threads = 2; }};
  HttpClient stranger{server.port};
  stranger.use_token("not-a-session-anyone-made");
  auto const refused = stranger.get("/api/v1/me");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.error_code(), "unauthenticated");

  auto doctor = server.as("doctor");
  ASSERT_EQ(doctor.get("/api/v1/me").status, 200);
  server.clock.advance(std::chrono::hours{2});  // past the idle limit
  auto const ended = doctor.get("/api/v1/me");
  EXPECT_EQ(ended.status, 401);
  EXPECT_NE(ended.body.find("inactivity"), std::string::npos) << ended.body;
}

TEST(PooledReads, AnAdministratorsPasswordResetReadsTheUserFirst) {
  TestServer server{[](server::ServerConfig& c) { c.read_threads = 2; }};
  auto admin = server.as("admin");
  auto const users = admin.get("/api/v1/users");
  ASSERT_EQ(users.status, 200) << users.body;
  std::int64_t doctor_id = 0;
  auto const listed = users.json();
  for (auto const& u : listed.as_array()) {
    auto const& user = u.at("user");
    if (user.at("login").as_string() == "doctor") doctor_id = user.at("id").as_int64();
  }
  ASSERT_NE(doctor_id, 0);
  auto const path = "/api/v1/users/" + std::to_string(doctor_id);
  auto const patch = [&](std::string const& target, std::string const& body) {
    return admin.request("PATCH", target, body,
                         {{"content-type", "application/json"},
                          {"authorization", "Bearer " + server.token("admin")}});
  };
  // The new password is checked against the login read on the pool: the login itself is weak.
  auto const weak = patch(path, R"({"password":"doctor"})");
  EXPECT_EQ(weak.status, 422) << weak.body;
  EXPECT_EQ(weak.error_field(), "password");
  auto const unknown =
      patch("/api/v1/users/999999", R"({"password":"correct horse battery"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto const reset = patch(path, R"({"password":"correct horse battery"})");
  EXPECT_EQ(reset.status, 200) << reset.body;
}

}  // namespace
}  // namespace joldama
