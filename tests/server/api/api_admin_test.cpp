// Administration over real HTTP: users (with the password policy) and organizations.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "server/program/demo_data.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::TestServer;

class AdminTest : public ::testing::Test {
 protected:
  TestServer server;
  HttpClient admin = server.as("admin");
};

TEST_F(AdminTest, CreatesAUserWhoCanSignInWithAStrongPassword) {
  auto const polyclinic = server.as("doctor").get("/api/v1/me").json().at("organization").at("id");
  json::object user{{"login", "doctor.two"}, {"name", "Әлиев Нұрлан"},
                    {"role", "doctor"},      {"organization_id", polyclinic},
                    {"locale", "ru"},        {"password", "short-pass1"}};
  auto weak = admin.post("/api/v1/users", user);
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(weak.error_field(), "password");
  user["password"] = "correct horse battery";
  auto created = admin.post("/api/v1/users", user);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("user").at("region").as_string(), "75");  // from the polyclinic
  EXPECT_FALSE(created.body.find("argon2") != std::string::npos);
  auto const again = admin.post("/api/v1/users", user);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.error_field(), "login");

  auto client = server.client();
  auto const login =
      client.post("/api/v1/session",
                  json::object{{"login", "doctor.two"}, {"password", "correct horse battery"}});
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(login.json().at("user").at("locale").as_string(), "ru");

  // Roles are bound to what they belong to.
  auto bad = admin.post("/api/v1/users", json::object{{"login", "commission.x"},
                                                      {"name", "X"},
                                                      {"role", "commission"},
                                                      {"region", "99"},
                                                      {"password", "long enough password"}});
  EXPECT_EQ(bad.error_field(), "region");
  bad = admin.post("/api/v1/users", json::object{{"login", "hospital.x"},
                                                 {"name", "X"},
                                                 {"role", "hospital"},
                                                 {"organization_id", polyclinic},
                                                 {"password", "long enough password"}});
  EXPECT_EQ(bad.error_field(), "organization_id");
  bad = admin.post("/api/v1/users", json::object{{"login", "Bad Login"},
                                                 {"name", "X"},
                                                 {"role", "republican"},
                                                 {"password", "long enough password"}});
  EXPECT_EQ(bad.error_field(), "login");
  EXPECT_EQ(server.as("republic").post("/api/v1/users", user).status, 403);
}

TEST_F(AdminTest, DisablingOrResettingEndsSessions) {
  auto const users = admin.get("/api/v1/users").json().as_array();
  ASSERT_EQ(users.size(), server::demo_logins().size());
  std::int64_t hospital_id = 0;
  std::int64_t admin_id = 0;
  for (auto const& u : users) {
    if (u.at("user").at("login").as_string() == "hospital2")
      hospital_id = u.at("user").at("id").as_int64();
    if (u.at("user").at("login").as_string() == "admin")
      admin_id = u.at("user").at("id").as_int64();
  }
  auto staff = server.as("hospital2");
  ASSERT_EQ(staff.get("/api/v1/me").status, 200);
  auto reply = admin.request(
      "PATCH", fmt::format("/api/v1/users/{}", hospital_id), R"({"disabled":true})",
      {{"content-type", "application/json"}, {"authorization", "Bearer " + server.token("admin")}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.json().at("disabled").as_bool());
  EXPECT_EQ(staff.get("/api/v1/me").status, 401);
  EXPECT_EQ(server.client()
                .post("/api/v1/session",
                      json::object{{"login", "hospital2"}, {"password", "joldama-demo"}})
                .status,
            401);

  reply = admin.request(
      "PATCH", fmt::format("/api/v1/users/{}", hospital_id),
      R"({"disabled":false,"password":"a new strong password"})",
      {{"content-type", "application/json"}, {"authorization", "Bearer " + server.token("admin")}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(server.client()
                .post("/api/v1/session",
                      json::object{{"login", "hospital2"}, {"password", "a new strong password"}})
                .status,
            200);
  reply = admin.request(
      "PATCH", fmt::format("/api/v1/users/{}", admin_id), R"({"disabled":true})",
      {{"content-type", "application/json"}, {"authorization", "Bearer " + server.token("admin")}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.error_field(), "disabled");
}

// An administrator edits a user's name, role and organization; the binding rules of creation
// hold, nothing is written when they do not, and the user's sessions end with a new scope.
TEST_F(AdminTest, EditsNameRoleAndOrganization) {
  auto const patch = [&](std::int64_t id, std::string const& body) {
    return admin.request("PATCH", fmt::format("/api/v1/users/{}", id), body,
                         {{"content-type", "application/json"},
                          {"authorization", "Bearer " + server.token("admin")}});
  };
  std::int64_t doctor_id = 0;
  std::int64_t admin_id = 0;
  auto const users = admin.get("/api/v1/users").json();
  for (auto const& u : users.as_array()) {
    if (u.at("user").at("login").as_string() == "doctor.astana") doctor_id = u.at("user").at("id").as_int64();
    if (u.at("user").at("login").as_string() == "admin") admin_id = u.at("user").at("id").as_int64();
  }
  auto const hospitals = admin.get("/api/v1/organizations?kind=hospital").json().as_array();
  auto const polyclinics = admin.get("/api/v1/organizations?kind=polyclinic").json().as_array();
  ASSERT_FALSE(hospitals.empty());
  auto const hospital = hospitals.front().at("id").as_int64();
  auto doctor = server.as("doctor.astana");
  ASSERT_EQ(doctor.get("/api/v1/me").status, 200);

  // A doctor belongs to a polyclinic: a hospital is refused, and nothing changes.
  auto refused = patch(doctor_id, fmt::format(R"({{"organization_id":{}}})", hospital));
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.error_field(), "organization_id");
  EXPECT_EQ(patch(doctor_id, R"({"role":"commission"})").error_field(), "region");
  EXPECT_EQ(patch(doctor_id, R"({"role":"commission","region":"99"})").error_field(), "region");
  EXPECT_EQ(patch(doctor_id, R"({"role":"system"})").status, 422);
  EXPECT_EQ(patch(admin_id, R"({"role":"doctor"})").error_field(), "role");
  EXPECT_EQ(doctor.get("/api/v1/me").status, 200);

  // The same person moves to a hospital's staff under a corrected name.
  auto moved = patch(doctor_id, fmt::format(R"({{"name":"Серікбаева Айгүл","role":"hospital","organization_id":{}}})", hospital));
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto const user = moved.json().at("user");
  EXPECT_EQ(user.at("name").as_string(), "Серікбаева Айгүл");
  EXPECT_EQ(user.at("role").as_string(), "hospital");
  EXPECT_EQ(user.at("organization").at("id").as_int64(), hospital);
  EXPECT_EQ(doctor.get("/api/v1/me").status, 401);  // the old scope's session is over

  // Then to a region's commission: the organization goes, the region is the one named.
  auto commission = patch(doctor_id, R"({"role":"commission","region":"35"})");
  ASSERT_EQ(commission.status, 200) << commission.body;
  EXPECT_TRUE(commission.json().at("user").at("organization").is_null());
  EXPECT_EQ(commission.json().at("user").at("region").as_string(), "35");
  EXPECT_EQ(patch(doctor_id, fmt::format(R"({{"organization_id":{}}})",
                                         polyclinics.front().at("id").as_int64()))
                .error_field(),
            "organization_id");
}

TEST_F(AdminTest, AddsOrganizations) {
  auto reply = admin.post("/api/v1/organizations", json::object{{"name", "Областная больница"},
                                                                {"kind", "hospital"},
                                                                {"level", "regional"},
                                                                {"region", "35"}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("region").as_string(), "35");
  reply = admin.post(
      "/api/v1/organizations",
      json::object{{"name", "X"}, {"kind", "clinic"}, {"level", "local"}, {"region", "35"}});
  EXPECT_EQ(reply.error_field(), "kind");
  EXPECT_EQ(
      server.as("doctor")
          .post("/api/v1/organizations",
                json::object{
                    {"name", "X"}, {"kind", "hospital"}, {"level", "local"}, {"region", "35"}})
          .status,
      403);
}

TEST_F(AdminTest, SetsWhereAPatientFindsAHospital) {
  auto const hospital =
      server.as("hospital2").get("/api/v1/me").json().at("organization").at("id").as_int64();
  auto const path = fmt::format("/api/v1/organizations/{}/contacts", hospital);
  auto reply = admin.put(path, json::object{{"address", "  Алматы, ул. Желтоксан, 62 "},
                                            {"phone", "8 (727) 279-95-00"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("address").as_string(), "Алматы, ул. Желтоксан, 62");
  EXPECT_EQ(reply.json().at("phone").as_string(), "+77272799500");
  // Every signed-in user reads it, as the talon prints it.
  auto const read = server.as("doctor").get(fmt::format("/api/v1/organizations/{}", hospital));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("phone").as_string(), "+77272799500");
  EXPECT_EQ(read.json().at("profiles").as_array().empty(), false);
  auto const audit = admin.get("/api/v1/audit?action=set_contacts").json().as_array();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().at("detail").at("phone").as_string(), "+77272799500");

  // Bad input is refused whole, with its field named, and nothing changes.
  EXPECT_EQ(admin.put(path, json::object{{"address", "Алматы"}, {"phone", "12345"}}).error_field(),
            "phone");
  EXPECT_EQ(admin.put(path, json::object{{"address", std::string(301, 'a')}}).error_field(),
            "address");
  EXPECT_EQ(admin.put(path, json::object{{"address", "x"}, {"fax", "1"}}).error_field(), "fax");
  EXPECT_EQ(server.as("doctor").get(fmt::format("/api/v1/organizations/{}", hospital))
                .json()
                .at("address")
                .as_string(),
            "Алматы, ул. Желтоксан, 62");
  EXPECT_EQ(admin.put("/api/v1/organizations/999999/contacts", json::object{}).status, 404);
  EXPECT_EQ(admin.get("/api/v1/organizations/999999").status, 404);
  EXPECT_EQ(admin.get("/api/v1/organizations/x").status, 404);
  EXPECT_EQ(server.as("hospital2").put(path, json::object{{"address", "x"}}).status, 403);

  // Emptied again: both may be empty.
  reply = admin.put(path, json::object{{"address", ""}, {"phone", ""}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("phone").as_string(), "");

  // A new organization may come with its contacts.
  auto const created = admin.post("/api/v1/organizations",
                                  json::object{{"name", "Областная больница"},
                                               {"kind", "hospital"},
                                               {"level", "regional"},
                                               {"region", "35"},
                                               {"address", "Караганда, ул. Больничная, 1"},
                                               {"phone", "+7 7212 00 00 00"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("phone").as_string(), "+77212000000");
  EXPECT_EQ(admin.post("/api/v1/organizations", json::object{{"name", "Б"},
                                                             {"kind", "hospital"},
                                                             {"level", "regional"},
                                                             {"region", "35"},
                                                             {"phone", "+1 555 0100"}})
                .error_field(),
            "phone");
}

}  // namespace
}  // namespace joldama
