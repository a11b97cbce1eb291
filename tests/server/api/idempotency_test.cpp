// Idempotency keys (server/api/idempotency.hpp): what a key promises not to repeat, and the
// answer kept under it, read back exactly. The replay over HTTP, for a day, and with another
// request under the same key is in api_security_test.cpp; across kill -9, in the torture.

#include "server/api/idempotency.hpp"

#include <gtest/gtest.h>

namespace joldama::server {
namespace {

Request a_write(std::string body) {
  Request request;
  request.method = Method::Post;
  request.target = "/api/v1/referrals";
  request.headers = {{"content-type", "application/json"}, {"idempotency-key", "k-1"}};
  request.body = std::move(body);
  return request;
}

TEST(Idempotency, AKeyStandsForItsRequestMethodTargetContentAndBody) {
  Timestamp const now = from_millis(1'772'420'400'000);
  Request without_key = a_write("{}");
  without_key.headers = {{"content-type", "application/json"}};
  EXPECT_EQ(idempotency_record(without_key, 7, now), std::nullopt);

  auto const first = idempotency_record(a_write(R"({"a":1})"), 7, now);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->user_id, 7);
  EXPECT_EQ(first->key, "k-1");
  EXPECT_EQ(first->created_at, now);
  EXPECT_EQ(idempotency_record(a_write(R"({"a":1})"), 7, now)->request_hash, first->request_hash);

  EXPECT_NE(idempotency_record(a_write(R"({"a":2})"), 7, now)->request_hash, first->request_hash);
  Request elsewhere = a_write(R"({"a":1})");
  elsewhere.target = "/api/v1/patients";
  EXPECT_NE(idempotency_record(elsewhere, 7, now)->request_hash, first->request_hash);
  Request as_put = a_write(R"({"a":1})");
  as_put.method = Method::Put;
  EXPECT_NE(idempotency_record(as_put, 7, now)->request_hash, first->request_hash);
  Request other_type = a_write(R"({"a":1})");
  other_type.headers[0].second = "text/plain";
  EXPECT_NE(idempotency_record(other_type, 7, now)->request_hash, first->request_hash);
}

TEST(Idempotency, AKeptAnswerReadsBackExactlyAndAnythingElseIsNone) {
  Response answer;
  answer.status = 201;
  answer.headers = {{"content-type", "application/json"}, {"location", "/api/v1/referrals/9"}};
  answer.body = "{\"id\":9,\"note\":\"\xd2\x9b\\\"quoted\\\"\"}";
  auto const back = decode_answer(encode_answer(answer));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, 201);
  EXPECT_EQ(back->headers, answer.headers);
  EXPECT_EQ(back->body, answer.body);

  for (std::string_view bad : {"", "not json", "[]", R"({"status":201})",
                               R"({"status":"201","headers":[],"body":""})",
                               R"({"status":201,"headers":[["a"]],"body":""})",
                               R"({"status":201,"headers":[],"body":7})"}) {
    EXPECT_EQ(decode_answer(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace joldama::server
