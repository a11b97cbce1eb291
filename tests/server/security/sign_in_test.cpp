// Signing in under attack, over real HTTP: a burst of parallel attempts on one login, a flood
// that fills the password-checking queue, and failures that a kill -9 does not forgive.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <latch>
#include <thread>

#include "tests/support/serve_process.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::ServeProcess;
using testing::TempDir;
using testing::TestServer;

json::object credentials(std::string const& login, std::string const& password) {
  return json::object{{"login", login}, {"password", password}};
}

TEST(SignIn, FortyParallelAttemptsOnOneLoginMeetTheLimitBeforeAnyIsHashed) {
  TestServer server;
  constexpr int kWrong = 39;
  std::latch start{kWrong + 1};
  std::vector<int> statuses(kWrong + 1, 0);
  std::vector<std::string> retry_after(kWrong + 1);
  std::vector<std::thread> threads;
  for (int i = 0; i <= kWrong; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client{server.port};
      client.get("/healthz");  // connected before the burst
      start.arrive_and_wait();
      // The right password goes last, after a head start of the wrong ones.
      if (i == kWrong) std::this_thread::sleep_for(std::chrono::milliseconds{20});
      auto const reply = client.post(
          "/api/v1/session", credentials("hospital2", i == kWrong ? "joldama-demo" : "wrong-one-" + std::to_string(i)));
      statuses[i] = reply.status;
      retry_after[i] = reply.header("retry-after").value_or("");
    });
  }
  for (auto& t : threads) t.join();
  int unauthorized = 0;
  int limited = 0;
  for (int i = 0; i < kWrong; ++i) {
    if (statuses[i] == 401) ++unauthorized;
    if (statuses[i] == 429) {
      ++limited;
      EXPECT_FALSE(retry_after[i].empty()) << "a 429 says when to come back";
    }
  }
  EXPECT_LE(unauthorized, 5) << "only the free attempts of a login at an address are checked";
  EXPECT_EQ(unauthorized + limited, kWrong);
  EXPECT_EQ(statuses[kWrong], 429) << "the right password, sent during the burst, waits too";
  // Once the delay has passed, the right password works.
  server.clock.advance(std::chrono::seconds{2});
  HttpClient client{server.port};
  EXPECT_EQ(client.post("/api/v1/session", credentials("hospital2", "joldama-demo")).status, 200);
}

TEST(SignIn, AFullPasswordQueueAnswers503WithRetryAfterAndDoesNotGrow) {
  TestServer server{[](server::ServerConfig& c) { c.password_checks_waiting = 0; }};
  constexpr int kClients = 24;
  std::latch start{kClients};
  std::atomic<int> busy{0};
  std::atomic<int> answered{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client{server.port};
      client.get("/healthz");
      start.arrive_and_wait();
      // A different login each: the throttle does not hold them back, the queue must.
      auto const reply =
          client.post("/api/v1/session", credentials("nobody" + std::to_string(i), "wrong-password"));
      if (reply.status == 503 && reply.error_code() == "unavailable" &&
          reply.header("retry-after") == "1") {
        ++busy;
      } else if (reply.status == 401) {
        ++answered;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(busy.load(), 0) << "two checking threads and no waiting room cannot take 24 at once";
  EXPECT_GE(answered.load(), 2);
  EXPECT_EQ(server.app->api().password_hasher().pending(), 0u);
}

TEST(SignIn, FailuresAreCountedDurablyAndSurviveKillMinusNine) {
  TempDir dir;
  auto const db = dir.file("bureau.db");
  // A minute's wait after the free failures, so that a restart cannot outlast it.
  auto const config = dir.file("joldama.conf");
  std::ofstream{config} << "limits.login_first_delay_seconds = 60\n";
  {
    ServeProcess first{db, {"--demo", "--config", config.string()}};
    HttpClient client{first.wait_for_port()};
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(client.post("/api/v1/session", credentials("doctor", "not-it")).status, 401);
    }
    // Killed the moment the fifth 401 is answered: the counters were on disk before it.
    EXPECT_EQ(first.stop(SIGKILL), -1);
  }
  ServeProcess second{db, {"--demo", "--config", config.string()}};
  HttpClient client{second.wait_for_port()};
  auto const reply = client.post("/api/v1/session", credentials("doctor", "joldama-demo"));
  EXPECT_EQ(reply.status, 429) << reply.body;
  EXPECT_GT(std::stoi(reply.header("retry-after").value_or("0")), 30);
  // Another login is not held back by the doctor's failures.
  EXPECT_EQ(client.post("/api/v1/session", credentials("commission", "joldama-demo")).status, 200);
  EXPECT_EQ(second.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace joldama
