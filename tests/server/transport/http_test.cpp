// The request-line and header parsers every request goes through before any handler.

#include "server/transport/http.hpp"

#include <gtest/gtest.h>

namespace joldama::server {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(
      parse_target("/api/v1/referrals?state=submitted&q=%D0%90%D0%B9+%D0%B0&limit=5", path, query));
  EXPECT_EQ(path, "/api/v1/referrals");
  EXPECT_EQ(query.at("state"), "submitted");
  EXPECT_EQ(query.at("q"), "Ай а");
  EXPECT_EQ(query.at("limit"), "5");
}

TEST(ParseTarget, KeepsThePlusOfAPathAndTheFirstOfARepeatedParameter) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(parse_target("/a+b?x=1&x=2&&flag", path, query));
  EXPECT_EQ(path, "/a+b");
  EXPECT_EQ(query.at("x"), "1");
  EXPECT_EQ(query.at("flag"), "");
}

TEST(ParseTarget, RefusesRelativePathsBadEscapesAndNul) {
  std::string path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(parse_target("", path, query));
  EXPECT_FALSE(parse_target("api/v1", path, query));
  EXPECT_FALSE(parse_target("/a%2", path, query));
  EXPECT_FALSE(parse_target("/a%zz", path, query));
  EXPECT_FALSE(parse_target("/a%00b", path, query));
  EXPECT_FALSE(parse_target("/a?q=%00", path, query));
  EXPECT_FALSE(parse_target("/a?q=%G1", path, query));
}

TEST(ParseTarget, RefusesTextThatIsNotUtf8OnceDecoded) {
  std::string path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(parse_target("/api/v1/patients/%FF", path, query));
  EXPECT_FALSE(parse_target("/api/v1/referrals?state=s%C0%AFx", path, query));
  EXPECT_FALSE(parse_target("/api/v1/referrals?%ED%A0%80=1", path, query));
  EXPECT_TRUE(parse_target("/api/v1/referrals?q=%D2%9A%D0%B0%D0%B7", path, query));
  EXPECT_EQ(query.at("q"), "Қаз");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(percent_decode("a+b%20c", false), "a+b c");
  EXPECT_EQ(percent_decode("%2e%2E", false), "..");
  EXPECT_FALSE(percent_decode("%", false));
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; joldama_session=tok; b=2", "joldama_session"), "tok");
  EXPECT_EQ(cookie_value("joldama_session=", "joldama_session"), "");
  EXPECT_EQ(cookie_value("x=1;\tjoldama_session=v=w", "joldama_session"), "v=w");
  EXPECT_FALSE(cookie_value("joldama_session_old=1; other=2", "joldama_session"));
  EXPECT_FALSE(cookie_value("joldama_session", "joldama_session"));
  EXPECT_FALSE(cookie_value("", "joldama_session"));
  EXPECT_FALSE(cookie_value(";;;", "joldama_session"));
}

TEST(BearerToken, OnlyTheBearerScheme) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(bearer_token("bearer abc"));
  EXPECT_FALSE(bearer_token(""));
}

TEST(IdempotencyKey, PrintableAsciiUpTo200) {
  EXPECT_TRUE(is_valid_idempotency_key("a"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(200, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(201, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key("with space"));
  EXPECT_FALSE(is_valid_idempotency_key("ключ"));
  EXPECT_FALSE(is_valid_idempotency_key(std::string_view{"a\0b", 3}));
}

}  // namespace
}  // namespace joldama::server
