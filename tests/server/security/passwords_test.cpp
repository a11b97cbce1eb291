// Passwords over real HTTP: libpwquality and its dictionary refuse weak ones and those holding
// the login; a user changes their own with the current one; a password an administrator chose
// must be replaced at the next sign-in before anything else.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::TestServer;

constexpr char const* kStrong = "Qz7#vLm2!pRt9@wX";
constexpr char const* kStronger = "Lantern-Oxide-47-Mirth";

class PasswordsTest : public ::testing::Test {
 protected:
  HttpReply create(std::string const& login, std::string const& password) {
    return admin.post("/api/v1/users", json::object{{"login", login},
                                                    {"name", "Жаңа Дәрігер"},
                                                    {"role", "doctor"},
                                                    {"organization_id", 1},
                                                    {"password", password}});
  }
  HttpClient signed_in(std::string const& login, std::string const& password) {
    HttpClient client{server.port};
    auto const reply = client.post("/api/v1/session",
                                   json::object{{"login", login}, {"password", password}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    client.use_token(std::string{reply.json().at("token").as_string()});
    return client;
  }

  TestServer server;
  HttpClient admin = server.as("admin");
};

TEST_F(PasswordsTest, WeakDictionaryAndLoginPasswordsAreRefused) {
  for (auto const* weak : {"password1234", "qwertyuiop12", "aaaaaaaaaaaa", "123456789012",
                           "Password1234!", "short-1!"}) {
    auto const reply = create("new.doctor", weak);
    EXPECT_EQ(reply.status, 422) << weak << ": " << reply.body;
    EXPECT_EQ(reply.error_field(), "password") << weak;
  }
  auto const with_login = create("karaganda.doc", "my-karaganda.doc-2026!");
  EXPECT_EQ(with_login.status, 422);
  EXPECT_NE(with_login.body.find("login"), std::string::npos) << with_login.body;
  EXPECT_EQ(create("new.doctor", kStrong).status, 201);
}

TEST_F(PasswordsTest, APasswordAnAdministratorChoseMustBeReplacedFirst) {
  auto const created = create("new.doctor", kStrong);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.json().at("user").at("must_change_password").as_bool());

  auto doctor = signed_in("new.doctor", kStrong);
  auto const me = doctor.get("/api/v1/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_TRUE(me.json().at("must_change_password").as_bool());
  auto const blocked = doctor.get("/api/v1/referrals");
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(blocked.error_code(), "password_change_required");
  EXPECT_EQ(doctor.post("/api/v1/patients", json::object{}).error_code(),
            "password_change_required");

  // The current password must be right, and the new one good and different.
  auto const wrong = doctor.post("/api/v1/me/password",
                                 json::object{{"current", "not-it"}, {"new", kStronger}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.error_field(), "current");
  auto const weak = doctor.post("/api/v1/me/password",
                                json::object{{"current", kStrong}, {"new", "password1234"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(weak.error_field(), "new");
  auto const same = doctor.post("/api/v1/me/password",
                                json::object{{"current", kStrong}, {"new", kStrong}});
  EXPECT_EQ(same.error_field(), "new");
  EXPECT_EQ(doctor.post("/api/v1/me/password", json::object{{"current", kStrong}}).error_field(),
            "new");

  auto const changed = doctor.post("/api/v1/me/password",
                                   json::object{{"current", kStrong}, {"new", kStronger}});
  ASSERT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(doctor.get("/api/v1/referrals").status, 200);  // the same session goes on
  EXPECT_FALSE(doctor.get("/api/v1/me").json().at("must_change_password").as_bool());
  // The old password no longer signs in; the new one does.
  EXPECT_EQ(server.client()
                .post("/api/v1/session",
                      json::object{{"login", "new.doctor"}, {"password", kStrong}})
                .status,
            401);
  signed_in("new.doctor", kStronger);

  // An administrator's reset ends the sessions, and the reset password must be replaced again.
  auto const id = created.json().at("user").at("id").as_int64();
  auto const reset = admin.request(
      "PATCH", "/api/v1/users/" + std::to_string(id),
      json::serialize(json::object{{"password", kStrong}}),
      {{"content-type", "application/json"}, {"authorization", "Bearer " + admin.token()}});
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(doctor.get("/api/v1/me").status, 401);
  auto again = signed_in("new.doctor", kStrong);
  EXPECT_EQ(again.get("/api/v1/referrals").error_code(), "password_change_required");
}

TEST_F(PasswordsTest, ChangingAPasswordEndsTheOtherSessions) {
  ASSERT_EQ(create("new.doctor", kStrong).status, 201);
  auto first = signed_in("new.doctor", kStrong);
  auto second = signed_in("new.doctor", kStrong);
  ASSERT_EQ(first.post("/api/v1/me/password", json::object{{"current", kStrong}, {"new", kStronger}})
                .status,
            204);
  EXPECT_EQ(first.get("/api/v1/me").status, 200);
  EXPECT_EQ(second.get("/api/v1/me").status, 401);
}

TEST_F(PasswordsTest, GuessingTheCurrentPasswordIsThrottledLikeASignIn) {
  auto doctor = server.as("doctor");
  for (int i = 0; i < 5; ++i) {
    auto const reply = doctor.post("/api/v1/me/password",
                                   json::object{{"current", "guess-" + std::to_string(i)},
                                                {"new", kStronger}});
    EXPECT_EQ(reply.error_field(), "current") << reply.body;
  }
  auto const limited = doctor.post("/api/v1/me/password",
                                   json::object{{"current", "joldama-demo"}, {"new", kStronger}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.header("retry-after").has_value());
}

}  // namespace
}  // namespace joldama
