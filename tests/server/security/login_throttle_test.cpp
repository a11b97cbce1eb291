// The sign-in throttle: reservations before the password is checked, growing delays, a stranger
// elsewhere who cannot lock a user out for long, and counters that survive a restart.

#include "server/security/login_throttle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

namespace joldama::server {
namespace {

using std::chrono::seconds;

Timestamp const kStart = from_millis(1'770'000'000'000);

TEST(LoginThrottle, DelaysDoubleAfterTheFreeFailuresUpToTheirCap) {
  EXPECT_EQ(LoginThrottle::delay_after(4, 5, seconds{1}, seconds{900}), seconds{0});
  EXPECT_EQ(LoginThrottle::delay_after(5, 5, seconds{1}, seconds{900}), seconds{1});
  EXPECT_EQ(LoginThrottle::delay_after(6, 5, seconds{1}, seconds{900}), seconds{2});
  EXPECT_EQ(LoginThrottle::delay_after(9, 5, seconds{1}, seconds{900}), seconds{16});
  EXPECT_EQ(LoginThrottle::delay_after(15, 5, seconds{1}, seconds{900}), seconds{900});
  EXPECT_EQ(LoginThrottle::delay_after(5000, 5, seconds{1}, seconds{900}), seconds{900});
}

TEST(LoginThrottle, ABurstIsCountedAsItArrivesNotAfterTheHashing) {
  LoginThrottle throttle{LoginThrottlePolicy{}};
  std::vector<std::shared_ptr<LoginThrottle::Attempt>> in_flight;
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = throttle.reserve("doctor", "10.0.0.1", kStart);
    if (r.attempt) {
      in_flight.push_back(r.attempt);
    } else {
      ++refused;
      EXPECT_GE(r.retry_after, seconds{1});
    }
  }
  EXPECT_EQ(in_flight.size(), 5u);  // the free failures of a login at an address
  EXPECT_EQ(refused, 35);
  for (auto& attempt : in_flight) throttle.failed(*attempt, kStart);
  // Five failures counted: the next attempt waits a second, then one more is allowed.
  auto const next = throttle.reserve("doctor", "10.0.0.1", kStart);
  EXPECT_FALSE(next.attempt);
  EXPECT_EQ(next.retry_after, seconds{1});
  auto const later = throttle.reserve("doctor", "10.0.0.1", kStart + seconds{1});
  ASSERT_TRUE(later.attempt);
  // Beyond the free failures, one attempt at a time.
  EXPECT_FALSE(throttle.reserve("doctor", "10.0.0.1", kStart + seconds{1}).attempt);
  throttle.failed(*later.attempt, kStart + seconds{1});
  auto const wait = throttle.reserve("doctor", "10.0.0.1", kStart + seconds{2});
  EXPECT_FALSE(wait.attempt);
  EXPECT_EQ(wait.retry_after, seconds{1});  // 2 s after the sixth failure
  EXPECT_TRUE(throttle.reserve("doctor", "10.0.0.1", kStart + seconds{3}).attempt);
}

TEST(LoginThrottle, AnAbandonedAttemptCountsForNothing) {
  LoginThrottle throttle{LoginThrottlePolicy{}};
  for (int i = 0; i < 10; ++i) {
    auto r = throttle.reserve("doctor", "10.0.0.1", kStart);
    ASSERT_TRUE(r.attempt) << i;
  }  // each dropped without an outcome
  EXPECT_TRUE(throttle.reserve("doctor", "10.0.0.1", kStart).attempt);
}

TEST(LoginThrottle, ASuccessForgivesTheLoginButNotTheAddress) {
  LoginThrottlePolicy policy;
  policy.failures_per_address = 8;
  LoginThrottle throttle{policy};
  for (int i = 0; i < 4; ++i) {
    auto r = throttle.reserve("doctor", "10.0.0.1", kStart);
    ASSERT_TRUE(r.attempt);
    throttle.failed(*r.attempt, kStart);
  }
  auto ok = throttle.reserve("doctor", "10.0.0.1", kStart);
  ASSERT_TRUE(ok.attempt);
  auto const forgotten = throttle.succeeded(*ok.attempt);
  EXPECT_EQ(forgotten.size(), 2u);  // the login at the address, and the login everywhere
  // The login has its free failures again, but the address has only four left in its window.
  for (int i = 0; i < 4; ++i) {
    auto r = throttle.reserve("doctor", "10.0.0.1", kStart);
    ASSERT_TRUE(r.attempt) << i;
    throttle.failed(*r.attempt, kStart);
  }
  auto const address_spent = throttle.reserve("someone.else", "10.0.0.1", kStart);
  EXPECT_FALSE(address_spent.attempt);
  EXPECT_GT(address_spent.retry_after, seconds{800});  // until the 15-minute window ends
  EXPECT_TRUE(throttle.reserve("someone.else", "10.0.0.1", kStart + std::chrono::minutes{15}).attempt);
}

TEST(LoginThrottle, AStrangerElsewhereMakesTheUserWaitAMinuteAtMost) {
  LoginThrottle throttle{LoginThrottlePolicy{}};
  // Someone fails 200 times on the doctor's login from many addresses, as fast as allowed.
  auto now = kStart;
  for (int i = 0; i < 200; ++i) {
    auto const address = "203.0.113." + std::to_string(i % 50);
    auto r = throttle.reserve("doctor", address, now);
    if (!r.attempt) {
      now += r.retry_after;
      r = throttle.reserve("doctor", address, now);
    }
    ASSERT_TRUE(r.attempt) << i;
    throttle.failed(*r.attempt, now);
  }
  // The doctor, at their own address, waits no more than the cap of the login's delay.
  auto const own = throttle.reserve("doctor", "10.0.0.7", now);
  EXPECT_LE(own.retry_after, seconds{60});
  EXPECT_TRUE(throttle.reserve("doctor", "10.0.0.7", now + seconds{60}).attempt);
}

TEST(LoginThrottle, CountersComeBackAfterARestart) {
  std::vector<LoginFailures> stored;
  {
    LoginThrottle before{LoginThrottlePolicy{}};
    for (int i = 0; i < 5; ++i) {
      auto r = before.reserve("doctor", "10.0.0.1", kStart);
      ASSERT_TRUE(r.attempt);
      for (auto const& c : before.failed(*r.attempt, kStart)) {
        std::erase_if(stored, [&](LoginFailures const& s) { return s.key == c.key; });
        stored.push_back(c);
      }
    }
  }
  ASSERT_EQ(stored.size(), 3u);
  for (auto const& c : stored) {
    EXPECT_EQ(c.failures, 5);
    EXPECT_EQ(c.key.find("doctor"), std::string::npos) << "keys hold a hash of the login";
  }
  LoginThrottle after{LoginThrottlePolicy{}};
  after.restore(stored, kStart);
  EXPECT_FALSE(after.reserve("doctor", "10.0.0.1", kStart).attempt);
  // Counters a day old are forgotten.
  LoginThrottle much_later{LoginThrottlePolicy{}};
  much_later.restore(stored, kStart + std::chrono::hours{25});
  EXPECT_TRUE(much_later.reserve("doctor", "10.0.0.1", kStart + std::chrono::hours{25}).attempt);
}

TEST(LoginThrottle, FailuresOnTwoServersOneAfterAnotherCountTogether) {
  // Two servers sharing a database: each stores what it counted, and takes the stored counters
  // before each attempt (the store stands here as one map of the last saved).
  std::map<std::string, LoginFailures> database;
  auto const stored = [&] {
    std::vector<LoginFailures> all;
    for (auto const& [key, counter] : database) all.push_back(counter);
    return all;
  };
  LoginThrottle a{LoginThrottlePolicy{}};
  LoginThrottle b{LoginThrottlePolicy{}};
  for (int i = 0; i < 5; ++i) {
    auto& server = i % 2 == 0 ? a : b;
    auto const at = kStart;  // as fast as the same millisecond
    server.merge(stored(), at);
    auto r = server.reserve("doctor", "10.0.0.1", at);
    ASSERT_TRUE(r.attempt) << i;
    for (auto const& c : server.failed(*r.attempt, at)) database[c.key] = c;
  }
  for (auto const& [key, counter] : database) EXPECT_EQ(counter.failures, 5) << key;
  // The sixth, on the server that saw only two of them itself, waits.
  b.merge(stored(), kStart);
  EXPECT_FALSE(b.reserve("doctor", "10.0.0.1", kStart).attempt);

  // What this server counted and has not yet stored is not taken back by an older stored one.
  LoginThrottle c{LoginThrottlePolicy{}};
  auto r = c.reserve("nurse", "10.0.0.2", kStart);
  auto const counted = c.failed(*r.attempt, kStart + seconds{1});
  auto older = counted;
  for (auto& o : older) o.last_at = kStart;
  for (int i = 0; i < 4; ++i) {
    auto next = c.reserve("nurse", "10.0.0.2", kStart + seconds{2});
    ASSERT_TRUE(next.attempt);
    (void)c.failed(*next.attempt, kStart + seconds{2});
  }
  c.merge(older, kStart + seconds{2});
  EXPECT_FALSE(c.reserve("nurse", "10.0.0.2", kStart + seconds{2}).attempt)
      << "still five failures, not the one stored earlier";
}

TEST(LoginThrottle, KeepsNoMoreKeysThanItsBound) {
  LoginThrottle throttle{LoginThrottlePolicy{}, 100};
  for (int i = 0; i < 1000; ++i) {
    auto r = throttle.reserve("user" + std::to_string(i), "10.0.0.1", kStart + seconds{i});
    if (r.attempt) throttle.failed(*r.attempt, kStart + seconds{i});
  }
  // Three keys an attempt; at most the bound, plus the three of the attempt that found it full.
  EXPECT_LE(throttle.remembered(), 103u);
  EXPECT_GE(throttle.remembered(), 50u);
}

}  // namespace
}  // namespace joldama::server
