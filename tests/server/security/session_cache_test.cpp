// The in-memory session cache: fresh entries only, and nothing kept across a change of accounts.

#include "server/security/session_cache.hpp"

#include <gtest/gtest.h>

namespace joldama::server {
namespace {

using namespace std::chrono_literals;

SessionCache::Entry entry(std::string login) {
  SessionCache::Entry e;
  e.session.user_id = 7;
  e.user.id = 7;
  e.user.login = std::move(login);
  return e;
}

TEST(SessionCache, KeepsWhatWasReadForAFewSeconds) {
  SessionCache cache;
  Timestamp const now = from_millis(1'800'000'000'000);
  EXPECT_FALSE(cache.find("h", now));
  cache.keep("h", entry("doctor"), cache.generation(), now);
  ASSERT_TRUE(cache.find("h", now + 1s));
  EXPECT_EQ(cache.find("h", now + 1s)->user.login, "doctor");
  EXPECT_FALSE(cache.find("h", now + SessionCache::kFresh)) << "stale entries are read again";
  EXPECT_FALSE(cache.find("h", now - 1s)) << "a clock that went back trusts nothing";
}

TEST(SessionCache, ForgetsEverythingWhenAccountsChange) {
  SessionCache cache;
  Timestamp const now = from_millis(1'800'000'000'000);
  cache.keep("a", entry("doctor"), cache.generation(), now);
  cache.keep("b", entry("commission"), cache.generation(), now);
  cache.forget_all();
  EXPECT_FALSE(cache.find("a", now));
  EXPECT_FALSE(cache.find("b", now));
}

TEST(SessionCache, NeverKeepsWhatWasReadBeforeAChange) {
  SessionCache cache;
  Timestamp const now = from_millis(1'800'000'000'000);
  auto const before = cache.generation();  // a request reads the database...
  cache.forget_all();                      // ...while a write disables the user
  cache.keep("h", entry("doctor"), before, now);
  EXPECT_FALSE(cache.find("h", now)) << "the read may predate the change";
}

TEST(SessionCache, TheLatestRequestTimeIsMerged) {
  SessionCache cache;
  Timestamp const now = from_millis(1'800'000'000'000);
  auto stored = entry("doctor");
  stored.session.last_seen_at = now - 10min;
  cache.keep("h", stored, cache.generation(), now);
  cache.seen("h", now + 2s, now - 1h);
  EXPECT_EQ(cache.last_seen("h"), now + 2s);
  // What is read again comes back with the latest request time too.
  EXPECT_EQ(cache.keep("h", stored, cache.generation(), now + 3s).session.last_seen_at, now + 2s);
  EXPECT_EQ(cache.find("h", now + 3s)->session.last_seen_at, now + 2s);
  EXPECT_EQ(cache.last_seen("unknown"), Timestamp{});
}

}  // namespace
}  // namespace joldama::server
