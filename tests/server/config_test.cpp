// The configuration file: each key applies, and a bad line is refused naming it.

#include "server/config.hpp"

#include <gtest/gtest.h>

namespace joldama::server {
namespace {

TEST(Config, KeysApply) {
  auto config = default_config();
  ASSERT_TRUE(apply_config_text(config, R"(
# the bureau of Almaty
port = 9000
read_timeout_seconds = 7
idempotency_keys_hours = 48
limits.public_lookups_per_minute = 100
deadlines.booking_working_days = 2
deadlines.info_reply_working_days = 15
)"));
  EXPECT_EQ(config.deadlines.booking_working_days, 2);
  EXPECT_EQ(config.deadlines.info_reply_working_days, 15);
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.read_timeout, std::chrono::seconds{7});
  EXPECT_EQ(config.idempotency_keys_for, std::chrono::hours{48});
  EXPECT_EQ(config.public_lookups_per_minute, 100u);
}

TEST(Config, KeysAreRememberedForADayByDefault) {
  EXPECT_EQ(default_config().idempotency_keys_for, std::chrono::hours{24});
}

TEST(Config, ABadLineIsRefusedByItsNumber) {
  for (auto const* text :
       {"idempotency_keys_hours = 0", "idempotency_keys_hours = 9000",
        "idempotency_keys_hours = a day", "no_such_setting = 1", "read_timeout_seconds",
        "deadlines.info_reply_working_days = 0", "deadlines.booking_horizon_days = 400"}) {
    auto config = default_config();
    auto const applied = apply_config_text(config, std::string{"# first\n"} + text);
    ASSERT_FALSE(applied.has_value()) << text;
    EXPECT_EQ(applied.error().field, "line 2") << text;
    EXPECT_EQ(config.idempotency_keys_for, std::chrono::hours{24})
        << "nothing of a bad line applies";
  }
}

}  // namespace
}  // namespace joldama::server
