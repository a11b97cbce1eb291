// Every error of the contract, over real HTTP: the status, the error body, the field.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::id_of;
using testing::Journey;
using testing::TestServer;

void expect_error(HttpReply const& reply, int status, std::string const& code,
                  std::string const& field = {}) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.error_code(), code) << reply.body;
  EXPECT_EQ(reply.error_field(), field) << reply.body;
  EXPECT_TRUE(reply.header("content-type").value_or("").starts_with("application/json"));
  auto const body = reply.json();
  ASSERT_TRUE(body.is_object()) << reply.body;
  EXPECT_FALSE(std::string{body.at("error").at("message").as_string()}.empty());
}

class ErrorsTest : public ::testing::Test {
 protected:
  json::object submitted_referral() {
    auto r = doctor_journey.new_referral("surgery");
    EXPECT_EQ(doctor_journey.act(id_of(r), "submit").status, 200);
    return doctor_journey.get(id_of(r));
  }
  std::string referral_path(json::object const& r) {
    return fmt::format("/api/v1/referrals/{}", id_of(r));
  }

  TestServer server;
  HttpClient doctor = server.as("doctor");
  Journey doctor_journey{doctor};
};

TEST_F(ErrorsTest, BadRequest400) {
  expect_error(doctor.request("POST", "/api/v1/patients", "{not json",
                              {{"content-type", "application/json"},
                               {"authorization", "Bearer " + server.token("doctor")}}),
               400, "bad_request");
  expect_error(doctor.request("POST", "/api/v1/patients", "[1,2]",
                              {{"content-type", "application/json"},
                               {"authorization", "Bearer " + server.token("doctor")}}),
               400, "bad_request");
  expect_error(doctor.get("/api/v1/referrals?q=%ZZ"), 400, "bad_request");
  expect_error(doctor.post("/api/v1/referrals", json::object{},
                           {{"idempotency-key", std::string(300, 'k')}}),
               400, "bad_request");
  auto const garbage = testing::raw_exchange(server.port, "GARBAGE\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400")) << garbage;
}

TEST_F(ErrorsTest, AKeyTwiceInOneObjectIs400AndNamesTheKey) {
  // The last one would win here; a gateway in front might read the first.
  auto const twice = doctor.request(
      "POST", "/api/v1/session", R"({"login":"doctor","password":"x","login":"admin"})",
      {{"content-type", "application/json"}});
  expect_error(twice, 400, "bad_request", "login");
  EXPECT_NE(twice.body.find("appears twice"), std::string::npos);
  // Nested objects are checked too, and the same key in two objects is fine.
  auto const nested = doctor.request(
      "POST", "/api/v1/quotas/distribute",
      R"({"period":2026,"profile":"surgery","total":10,"x":{"a":1,"a":2}})",
      {{"content-type", "application/json"}, {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(nested, 400, "bad_request", "a");
  auto const apart = doctor.request(
      "POST", "/api/v1/session", R"({"login":"doctor","password":"joldama-demo"})",
      {{"content-type", "application/json"}});
  EXPECT_EQ(apart.status, 200);
}

TEST_F(ErrorsTest, ATransferEncodingOtherThanExactlyChunkedIs400) {
  auto const send = [&](std::string const& encoding, std::string const& length) {
    return testing::raw_exchange(
        server.port, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nTransfer-Encoding: " +
                         encoding + "\r\n" + length + "\r\n2\r\n{}\r\n0\r\n\r\n");
  };
  for (auto const* encoding : {"gzip, chunked", "chunked, gzip", "identity", "chunked;q=1",
                               "xchunked", "gzip"}) {
    auto const answer = send(encoding, "");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << encoding << ": " << answer.substr(0, 120);
  }
  // Exactly chunked, but with a Content-Length as well: two readings of the body's end.
  EXPECT_TRUE(send("chunked", "Content-Length: 7\r\n").starts_with("HTTP/1.1 400"));
  // Two Transfer-Encoding fields.
  EXPECT_TRUE(send("chunked\r\nTransfer-Encoding: chunked", "").starts_with("HTTP/1.1 400"));
  // Exactly chunked, alone: read as the body it is (a login without fields: 422).
  auto const plain = send("chunked", "");
  EXPECT_TRUE(plain.starts_with("HTTP/1.1 422")) << plain.substr(0, 200);
}

TEST_F(ErrorsTest, InvisibleOrDirectionChangingCharactersInANameAre422) {
  for (auto const* name : {"\u202eвеноС", "Се\u200bйтов", "\u2066Сейтов\u2069", "Сей\u00adтов",
                           "\ufeffСейтов", "Сейтов\u0085"}) {
    json::object body{{"iin", testing::fresh_iin()}, {"last_name", name},
                      {"first_name", "Арман"}, {"birth_date", "1985-07-15"},
                      {"sex", "male"}, {"residency", "citizen"}, {"region", "75"},
                      {"insured", true}};
    auto const reply = doctor.post("/api/v1/patients", body);
    expect_error(reply, 422, "validation_failed", "last_name");
  }
  // Kazakh and Russian letters, hyphens and apostrophes are names.
  json::object fine{{"iin", testing::fresh_iin()}, {"last_name", "Әбдіқадыр-Оңғарқызы"},
                    {"first_name", "Д'Артаньян"}, {"birth_date", "1985-07-15"}, {"sex", "female"},
                    {"residency", "citizen"}, {"region", "75"}, {"insured", true}};
  EXPECT_EQ(doctor.post("/api/v1/patients", fine).status, 201);
}

TEST_F(ErrorsTest, Unauthenticated401) {
  auto anonymous = server.client();
  auto reply = anonymous.get("/api/v1/referrals");
  expect_error(reply, 401, "unauthenticated");
  EXPECT_EQ(reply.header("www-authenticate"), "Bearer");
  anonymous.use_token("not-a-real-token");
  expect_error(anonymous.get("/api/v1/me"), 401, "unauthenticated");
  expect_error(
      server.client().post("/api/v1/session",
                           json::object{{"login", "doctor"}, {"password", "wrong-password!"}}),
      401, "unauthenticated");
  expect_error(
      server.client().post("/api/v1/session",
                           json::object{{"login", "nobody"}, {"password", "whatever-it-is"}}),
      401, "unauthenticated");
}

TEST_F(ErrorsTest, SessionsEndAfterThirtyIdleMinutesAndTwelveHours) {
  EXPECT_EQ(doctor.get("/api/v1/me").status, 200);
  server.clock.advance(std::chrono::minutes{29});
  EXPECT_EQ(doctor.get("/api/v1/me").status, 200);  // activity keeps it alive
  server.clock.advance(std::chrono::minutes{29});
  EXPECT_EQ(doctor.get("/api/v1/me").status, 200);
  server.clock.advance(std::chrono::minutes{31});
  expect_error(doctor.get("/api/v1/me"), 401, "unauthenticated");

  auto busy = server.client();
  auto const login = busy.post("/api/v1/session",
                               json::object{{"login", "republic"}, {"password", "joldama-demo"}});
  busy.use_token(std::string{login.json().at("token").as_string()});
  for (int hour = 0; hour < 12 * 4 - 1; ++hour) {  // a request every quarter of an hour
    server.clock.advance(std::chrono::minutes{15});
    ASSERT_EQ(busy.get("/api/v1/me").status, 200) << "after " << hour;
  }
  server.clock.advance(std::chrono::minutes{15});
  expect_error(busy.get("/api/v1/me"), 401, "unauthenticated");
}

TEST_F(ErrorsTest, Forbidden403ForARoleThatMayNotDoThis) {
  auto const r = submitted_referral();
  // A doctor may not approve, whatever the state.
  auto reply = doctor.post(referral_path(r) + "/actions/approve", json::object{{"protocol", "x"}},
                           {{"if-match", "\"2\""}});
  expect_error(reply, 403, "forbidden");
  // A commission may not register patients; a hospital may not see quotas.
  auto commission = server.as("commission");
  expect_error(
      Journey{commission}.client.post("/api/v1/patients", json::object{{"iin", "850715300122"},
                                                                       {"last_name", "A"},
                                                                       {"first_name", "B"},
                                                                       {"birth_date", "1985-07-15"},
                                                                       {"sex", "male"},
                                                                       {"residency", "citizen"},
                                                                       {"region", "75"},
                                                                       {"insured", true}}),
      403, "forbidden");
  expect_error(server.as("hospital").get("/api/v1/quotas"), 403, "forbidden");
  expect_error(server.as("republic").get("/api/v1/audit/verify"), 403, "forbidden");
}

TEST_F(ErrorsTest, NotFound404OutsideTheCallersScope) {
  auto const r = submitted_referral();
  auto const path = referral_path(r);
  // A commission of another region, a doctor of another organization, a hospital without the
  // talon: all see the same 404 as for a referral that does not exist.
  for (auto const& login : {"commission.astana", "doctor.astana", "hospital", "hospital2"}) {
    auto outsider = server.as(login);
    expect_error(outsider.get(path), 404, "not_found");
    expect_error(outsider.post(path + "/actions/approve", json::object{{"protocol", "x"}},
                               {{"if-match", "\"2\""}}),
                 404, "not_found");
    expect_error(outsider.get(path + "/attachments"), 404, "not_found");
    auto const list = outsider.get("/api/v1/referrals?q=" + std::string{r.at("code").as_string()});
    EXPECT_TRUE(list.json().at("items").as_array().empty()) << login;
  }
  expect_error(doctor.get("/api/v1/referrals/999999"), 404, "not_found");
  expect_error(doctor.get("/api/v1/referrals/abc"), 404, "not_found");
  expect_error(doctor.get("/api/v1/nothing-here"), 404, "not_found");
  expect_error(doctor.post(path + "/actions/fly", json::object{}, {{"if-match", "\"2\""}}), 404,
               "not_found");
  // Patients too: another organization's doctor cannot read a patient they never referred.
  auto const iin = std::string{r.at("patient").at("iin").as_string()};
  EXPECT_EQ(doctor.get("/api/v1/patients/" + iin).status, 200);
  expect_error(server.as("doctor.astana").get("/api/v1/patients/" + iin), 404, "not_found");
  expect_error(server.as("commission.astana").get("/api/v1/patients/" + iin), 404, "not_found");
}

TEST_F(ErrorsTest, MethodNotAllowed405) {
  auto reply = doctor.del("/api/v1/referrals");
  expect_error(reply, 405, "method_not_allowed");
  EXPECT_EQ(reply.header("allow"), "POST, GET");
  expect_error(server.client().request("POST", "/index.html"), 405, "method_not_allowed");
}

TEST_F(ErrorsTest, Conflict409) {
  auto const r = submitted_referral();
  // Submitting twice: not allowed in this state.
  auto reply = doctor_journey.act(id_of(r), "submit");
  expect_error(reply, 409, "invalid_transition");
  // A patient registered twice.
  auto const iin = doctor_journey.new_patient();
  reply = doctor.post("/api/v1/patients", json::object{{"iin", iin},
                                                       {"last_name", "Again"},
                                                       {"first_name", "Same"},
                                                       {"birth_date", "1980-01-01"},
                                                       {"sex", "male"},
                                                       {"residency", "citizen"},
                                                       {"region", "75"},
                                                       {"insured", false}});
  expect_error(reply, 409, "patient_exists", "iin");
  // An allocation below what is reserved and used.
  auto republic = server.as("republic");
  auto const row =
      republic.get("/api/v1/quotas?period=2026&region=75&profile=cardiac_surgery").json().at(0);
  auto const taken = row.at("reserved").as_int64() + row.at("used").as_int64();
  ASSERT_GT(taken, 0);
  expect_error(republic.put("/api/v1/quotas/2026/75/cardiac_surgery",
                            json::object{{"allocated", taken - 1}}),
               409, "quota_below_usage", "allocated");
}

TEST_F(ErrorsTest, StaleVersion412AndIfMatchRequired428) {
  auto const r = submitted_referral();
  auto const path = referral_path(r) + "/actions/cancel";
  expect_error(doctor.post(path, json::object{{"reason", "x"}}), 428, "if_match_required");
  expect_error(doctor.post(path, json::object{{"reason", "x"}}, {{"if-match", "\"1\""}}), 412,
               "stale_version");
  expect_error(doctor.post(path, json::object{{"reason", "x"}}, {{"if-match", "banana"}}), 400,
               "bad_request");
  auto const ok = doctor.post(path, json::object{{"reason", "x"}}, {{"if-match", "\"2\""}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(ErrorsTest, TooLarge413) {
  std::string big(1024 * 1024 + 10, 'x');
  auto reply = doctor.request("POST", "/api/v1/patients", big,
                              {{"content-type", "application/json"},
                               {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(reply, 413, "payload_too_large");
  auto const r = doctor_journey.new_referral("surgery");
  std::string file(10 * 1024 * 1024 + 1, '\0');
  file.replace(0, 5, "%PDF-");
  reply = doctor.request("POST", referral_path(r) + "/attachments", file,
                         {{"content-type", "application/pdf"},
                          {"x-filename", "scan.pdf"},
                          {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(reply, 413, "payload_too_large");
}

TEST_F(ErrorsTest, UnsupportedMediaType415) {
  auto reply = doctor.request("POST", "/api/v1/patients", "iin=850715300122",
                              {{"content-type", "application/x-www-form-urlencoded"},
                               {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(reply, 415, "unsupported_media_type");
  auto const r = doctor_journey.new_referral("surgery");
  reply = doctor.request("POST", referral_path(r) + "/attachments", "hello",
                         {{"content-type", "text/plain"},
                          {"x-filename", "notes.txt"},
                          {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(reply, 415, "unsupported_media_type", "content_type");
  // Declared a PNG, but the bytes are not one.
  reply = doctor.request("POST", referral_path(r) + "/attachments", "%PDF-1.7 ...",
                         {{"content-type", "image/png"},
                          {"x-filename", "scan.png"},
                          {"authorization", "Bearer " + server.token("doctor")}});
  expect_error(reply, 415, "unsupported_media_type", "content_type");
}

TEST_F(ErrorsTest, Validation422NamesTheField) {
  auto patient = [&](json::object changes) {
    json::object body{{"iin", testing::fresh_iin()},
                      {"last_name", "Омарова"},
                      {"first_name", "Дана"},
                      {"birth_date", "1990-02-03"},
                      {"sex", "female"},
                      {"residency", "citizen"},
                      {"region", "75"},
                      {"insured", true}};
    for (auto const& [k, v] : changes) body[k] = v;
    return doctor.post("/api/v1/patients", body);
  };
  expect_error(patient({{"iin", "850715300123"}}), 422, "validation_failed", "iin");
  expect_error(patient({{"iin", "85071530012"}}), 422, "validation_failed", "iin");
  expect_error(patient({{"iin", 850715300122}}), 422, "validation_failed", "iin");
  expect_error(patient({{"birth_date", "1990-02-30"}}), 422, "validation_failed", "birth_date");
  expect_error(patient({{"sex", "other"}}), 422, "validation_failed", "sex");
  expect_error(patient({{"region", "99"}}), 422, "validation_failed", "region");
  expect_error(patient({{"insured", "yes"}}), 422, "validation_failed", "insured");
  expect_error(patient({{"nickname", "Dana"}}), 422, "validation_failed", "nickname");
  expect_error(patient({{"last_name", "<script>alert(1)</script>"}}), 422, "validation_failed",
               "last_name");

  auto const temporary = patient({{"residency", "foreign_temporary"}});
  ASSERT_EQ(temporary.status, 201);
  auto const not_covered =
      doctor.post("/api/v1/referrals", json::object{{"patient_iin", temporary.json().at("iin")},
                                                    {"icd10", "I25.1"},
                                                    {"profile", "surgery"},
                                                    {"urgency", "routine"},
                                                    {"care_form", "inpatient"},
                                                    {"justification", "x"}});
  expect_error(not_covered, 422, "not_eligible", "patient_iin");

  auto const r = submitted_referral();
  auto commission = server.as("commission");
  expect_error(Journey{commission}.act(id_of(r), "reject"), 422, "validation_failed", "reason");
  expect_error(Journey{commission}.act(id_of(r), "schedule_in_person",
                                       {{"at", "2026-03-04 11:30"}, {"place", "Room 1"}}),
               422, "validation_failed", "at");
  expect_error(Journey{commission}.act(id_of(r), "approve", {{"protocol", 17}}), 422,
               "validation_failed", "protocol");
}

TEST_F(ErrorsTest, RateLimited429) {
  auto client = server.client();
  for (int i = 0; i < 5; ++i) {
    auto const reply = client.post(
        "/api/v1/session", json::object{{"login", "hospital2"}, {"password", "not-the-password"}});
    EXPECT_EQ(reply.status, 401);
  }
  auto reply = client.post("/api/v1/session",
                           json::object{{"login", "hospital2"}, {"password", "joldama-demo"}});
  expect_error(reply, 429, "rate_limited");
  EXPECT_TRUE(reply.header("retry-after").has_value());
  // The window passes, and the right password works again.
  server.clock.advance(std::chrono::minutes{16});
  EXPECT_EQ(client
                .post("/api/v1/session",
                      json::object{{"login", "hospital2"}, {"password", "joldama-demo"}})
                .status,
            200);

  auto anonymous = server.client();
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto const lookup = anonymous.get("/api/v1/public/status?code=75-26-0000001&iin=850715300122");
    if (lookup.status == 429) ++refused;
  }
  EXPECT_EQ(refused, 10);  // 30 a minute per address
}

TEST_F(ErrorsTest, ADiagnosisMustBeACodeOfIcd10) {
  auto const iin = Journey{doctor}.new_patient();
  json::object body{{"patient_iin", iin},       {"icd10", "I99.9"},
                    {"profile", "cardiology"},  {"urgency", "routine"},
                    {"care_form", "inpatient"}, {"justification", "x"}};
  auto const unknown = doctor.post("/api/v1/referrals", body);
  expect_error(unknown, 422, "validation_failed", "icd10");
  EXPECT_NE(unknown.body.find("I99.9 is not a code of ICD-10"), std::string::npos);
  body["icd10"] = "i251";  // the export form, in lower case: the code I25.1
  auto const known = doctor.post("/api/v1/referrals", body);
  ASSERT_EQ(known.status, 201) << known.body;
  EXPECT_EQ(known.json().at("icd10").as_string(), "I25.1");

  auto const codes = doctor.get("/api/v1/icd10?q=I25.1");
  ASSERT_EQ(codes.status, 200);
  EXPECT_EQ(codes.json().as_array().size(), 1u);
  EXPECT_EQ(codes.json().at(0).at("name").at("ru").as_string(), "Атеросклеротическая болезнь сердца");
  auto const words = doctor.get("/api/v1/icd10?q=%D0%BA%D0%B0%D1%82%D0%B0%D1%80%D0%B0%D0%BA%D1%82%D0%B0&limit=3");
  ASSERT_EQ(words.status, 200);
  EXPECT_EQ(words.json().as_array().size(), 3u);  // катаракта
  expect_error(doctor.get("/api/v1/icd10"), 422, "validation_failed", "q");
  expect_error(doctor.get("/api/v1/icd10?q=I25&limit=101"), 422, "validation_failed", "limit");
  EXPECT_EQ(server.client().get("/api/v1/icd10?q=I25").status, 401);
}

}  // namespace
}  // namespace joldama
