// The configuration file: each key applies, and a bad line is refused naming it.

#include "server/program/config.hpp"

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
read_threads = 4
)"));
  EXPECT_EQ(config.deadlines.booking_working_days, 2);
  EXPECT_EQ(config.deadlines.info_reply_working_days, 15);
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.read_timeout, std::chrono::seconds{7});
  EXPECT_EQ(config.idempotency_keys_for, std::chrono::hours{48});
  EXPECT_EQ(config.public_lookups_per_minute, 100u);
  EXPECT_EQ(config.read_threads, std::optional<std::size_t>{4});
  EXPECT_EQ(reading_threads(default_config()), 0u) << "SQLite's reads run where they are asked";
  auto postgres = default_config();
  postgres.db = "postgresql:///joldama?host=/run/postgresql";
  EXPECT_EQ(reading_threads(postgres), postgres.read_connections)
      << "a database across a socket is read on threads of their own";
  postgres.read_threads = 2;
  EXPECT_EQ(reading_threads(postgres), 2u) << "unless configured";
}

TEST(Config, TheGatewaysOfPatientsMessagesAndTheirRetries) {
  auto config = default_config();
  EXPECT_TRUE(config.sms_gateway_url.empty()) << "nothing is sent unless configured";
  EXPECT_TRUE(config.smtp_url.empty());
  EXPECT_EQ(config.notices_kept_for, std::chrono::days{180});
  ASSERT_TRUE(apply_config_text(config, R"(
sms.gateway_url = https://sms.example.kz/v1/messages
sms.token = s3cret-token
email.smtp_url = smtps://mail.example.kz:465
email.from = noreply@joldama.kz
email.user = joldama
email.password = mail-pass
delivery.max_attempts = 5
delivery.first_retry_seconds = 10
delivery.longest_retry_seconds = 3600
delivery.poll_milliseconds = 500
notifications.keep_days = 90
)"));
  EXPECT_EQ(config.sms_gateway_url, "https://sms.example.kz/v1/messages");
  EXPECT_EQ(config.sms_token, "s3cret-token");
  EXPECT_EQ(config.smtp_url, "smtps://mail.example.kz:465");
  EXPECT_EQ(config.email_from, "noreply@joldama.kz");
  EXPECT_EQ(config.smtp_user, "joldama");
  EXPECT_EQ(config.smtp_password, "mail-pass");
  EXPECT_EQ(config.delivery.max_attempts, 5);
  EXPECT_EQ(config.delivery.first_retry, std::chrono::seconds{10});
  EXPECT_EQ(config.delivery.longest_retry, std::chrono::seconds{3600});
  EXPECT_EQ(config.delivery_poll, std::chrono::milliseconds{500});
  EXPECT_EQ(config.notices_kept_for, std::chrono::days{90});
  for (auto const* bad : {"sms.gateway_url = ftp://x", "email.smtp_url = http://mail",
                          "email.from = nobody", "email.from = a b@x.kz",
                          "delivery.max_attempts = 0", "delivery.poll_milliseconds = 1",
                          "notifications.keep_days = 0"}) {
    auto other = default_config();
    EXPECT_FALSE(apply_config_text(other, bad)) << bad;
  }
}

TEST(Config, PatientsMessagesPointAtThePublicAddress) {
  auto config = default_config();
  config.port = 9000;
  EXPECT_EQ(patient_facing_url(config), "http://127.0.0.1:9000");
  config.public_url = "https://joldama.kz/";
  EXPECT_EQ(patient_facing_url(config), "https://joldama.kz");
}

TEST(Config, KeysAreRememberedForADayByDefault) {
  EXPECT_EQ(default_config().idempotency_keys_for, std::chrono::hours{24});
}

TEST(Config, ABadLineIsRefusedByItsNumber) {
  for (auto const* text :
       {"idempotency_keys_hours = 0", "idempotency_keys_hours = 9000",
        "idempotency_keys_hours = a day", "no_such_setting = 1", "read_timeout_seconds",
        "deadlines.info_reply_working_days = 0", "deadlines.booking_horizon_days = 400",
        "read_threads = 1000", "read_threads = -1"}) {
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
