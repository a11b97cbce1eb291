// Security properties over real HTTP: idempotency, path traversal, CSRF, logout, secrets at rest
// and in logs, and the quota under concurrent approvals.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "storage/audit_anchors.hpp"
#include "storage/audit_keys.hpp"
#include "storage/sqlite.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::state_of;
using testing::TestServer;

std::int64_t scalar(std::string const& location, std::string const& sql) {
  auto db = testing::open_database(location);
  auto s = db->prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->step().value());
  return s->int64(0);
}

class SecurityTest : public ::testing::Test {
 protected:
  TestServer server;
  HttpClient doctor = server.as("doctor");
  Journey doctor_journey{doctor};
};

TEST_F(SecurityTest, AnIdempotentReplayCreatesOneReferral) {
  auto const iin = doctor_journey.new_patient();
  json::object const body{{"patient_iin", iin},       {"icd10", "C34.1"},
                          {"profile", "oncology"},    {"urgency", "routine"},
                          {"care_form", "inpatient"}, {"justification", "Lung cancer, stage II"}};
  auto const before = scalar(server.location, "SELECT count(*) FROM referrals");
  auto const first = doctor.post("/api/v1/referrals", body, {{"idempotency-key", "create-7f3a"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto const again = doctor.post("/api/v1/referrals", body, {{"idempotency-key", "create-7f3a"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(scalar(server.location, "SELECT count(*) FROM referrals"), before + 1);

  // The same key with another body is refused, and nothing is done.
  auto changed = body;
  changed["urgency"] = "urgent";
  auto const reused =
      doctor.post("/api/v1/referrals", changed, {{"idempotency-key", "create-7f3a"}});
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(reused.error_code(), "idempotency_key_reused");
  EXPECT_EQ(scalar(server.location, "SELECT count(*) FROM referrals"), before + 1);

  // Keys belong to their user: another doctor's identical key is theirs alone.
  auto astana = server.as("doctor.astana");
  auto const other = Journey{astana}.new_patient("71");
  auto const theirs = astana.post("/api/v1/referrals",
                                  json::object{{"patient_iin", other},
                                               {"icd10", "C34.1"},
                                               {"profile", "oncology"},
                                               {"urgency", "routine"},
                                               {"care_form", "inpatient"},
                                               {"justification", "x"}},
                                  {{"idempotency-key", "create-7f3a"}});
  EXPECT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_NE(theirs.header("location"), first.header("location"));
}

TEST_F(SecurityTest, AnIdempotencyKeyIsRememberedForADayThenForgotten) {
  // Sessions end long before a day passes: sign in afresh after each jump of the clock.
  auto signed_in = [&] {
    auto client = server.client();
    auto const reply = client.post("/api/v1/session",
                                   json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    client.use_token(std::string{reply.json().at("token").as_string()});
    return client;
  };
  auto const iin = doctor_journey.new_patient();
  json::object body{{"patient_iin", iin},       {"icd10", "C34.1"},
                    {"profile", "oncology"},    {"urgency", "routine"},
                    {"care_form", "inpatient"}, {"justification", "Lung cancer, stage II"}};
  auto const first = doctor.post("/api/v1/referrals", body, {{"idempotency-key", "day-key"}});
  ASSERT_EQ(first.status, 201) << first.body;

  server.clock.advance(std::chrono::hours{23});
  ASSERT_TRUE(server.app->sweep_now().has_value());
  auto client = signed_in();
  auto const replayed = client.post("/api/v1/referrals", body, {{"idempotency-key", "day-key"}});
  EXPECT_EQ(replayed.body, first.body) << "within a day the key still answers as the first time";
  EXPECT_EQ(scalar(server.location, "SELECT count(*) FROM idempotency_keys WHERE key = 'day-key'"),
            1);

  server.clock.advance(std::chrono::hours{2});
  ASSERT_TRUE(server.app->sweep_now().has_value());
  EXPECT_EQ(scalar(server.location, "SELECT count(*) FROM idempotency_keys WHERE key = 'day-key'"),
            0);
  auto later = signed_in();
  // Another profile: the first referral is still open, and a second of one profile is refused.
  body["profile"] = "hematology";
  auto const fresh = later.post("/api/v1/referrals", body, {{"idempotency-key", "day-key"}});
  EXPECT_EQ(fresh.status, 201) << "a forgotten key is new again: " << fresh.body;
  EXPECT_NE(fresh.header("location"), first.header("location"));
}

TEST_F(SecurityTest, AnIdempotentActionIsDoneOnce) {
  auto const r = doctor_journey.new_referral("surgery");
  auto const path = fmt::format("/api/v1/referrals/{}/actions/submit", id_of(r));
  auto const first =
      doctor.post(path, json::object{}, {{"if-match", "\"1\""}, {"idempotency-key", "k1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto const again =
      doctor.post(path, json::object{}, {{"if-match", "\"1\""}, {"idempotency-key", "k1"}});
  EXPECT_EQ(again.status, 200);  // not 412: the first answer, replayed
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(
      scalar(server.location,
             fmt::format("SELECT count(*) FROM audit WHERE action = 'submit' AND referral_id = {}",
                         id_of(r))),
      1);
}

TEST_F(SecurityTest, EveryReadOfAReferralIsInItsAuditView) {
  auto const read = doctor_journey.new_referral("surgery");
  auto const other = doctor_journey.new_referral("surgery");
  auto republic = server.as("republic");
  ASSERT_EQ(republic.get(fmt::format("/api/v1/referrals/{}", id_of(read))).status, 200);
  ASSERT_EQ(republic.get(fmt::format("/api/v1/referrals/{}", id_of(other))).status, 200);

  // Reads are audited in batches gathered for a few tens of milliseconds (recorded before the
  // answer is sent): append what is gathered.
  server.app->api().flush();
  auto admin = server.as("admin");
  auto const actions_of = [&](json::value const& referral) {
    auto const reply = admin.get(fmt::format("/api/v1/audit?referral_id={}", id_of(referral)));
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto const events = reply.json();
    std::vector<std::string> actions;
    for (auto const& e : events.as_array()) {
      EXPECT_EQ(e.at("referral_id").as_int64(), id_of(referral));
      actions.emplace_back(fmt::format("{} {}", e.at("action").as_string().c_str(),
                                       e.at("actor").at("login").as_string().c_str()));
    }
    return actions;
  };
  // Newest first: the republican level's read, then the doctor's registration.
  EXPECT_EQ(actions_of(read),
            (std::vector<std::string>{"read_referral republic", "register doctor"}));
  EXPECT_EQ(actions_of(other).front(), "read_referral republic");
}

// The audit screen's filters: by actor, event, days and referral, each alone or together.
TEST_F(SecurityTest, TheAuditLogFiltersByActorEventDayAndReferral) {
  auto const made = doctor_journey.new_referral();
  server.app->api().flush();
  auto admin = server.as("admin");
  auto const events = [&](std::string const& query) {
    auto const reply = admin.get("/api/v1/audit?limit=1000&" + query);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    return reply.json().as_array();
  };
  auto const by_doctor = events("actor=doctor");
  ASSERT_FALSE(by_doctor.empty());
  for (auto const& e : by_doctor) EXPECT_EQ(e.at("actor").at("login").as_string(), "doctor");
  auto const registrations = events("action=register");
  ASSERT_FALSE(registrations.empty());
  for (auto const& e : registrations) EXPECT_EQ(e.at("action").as_string(), "register");
  auto const mine = events(fmt::format("action=register&referral_id={}", id_of(made)));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine.front().at("actor").at("login").as_string(), "doctor");
  // The test server's day (2 March 2026 in Kazakhstan) holds the registration; the day before not.
  EXPECT_FALSE(events("action=register&from=2026-03-02&to=2026-03-02").empty());
  auto const before = events(fmt::format("referral_id={}&to=2026-03-01", id_of(made)));
  EXPECT_TRUE(before.empty());
  EXPECT_TRUE(events("actor=nobody.at.all").empty());
}

TEST_F(SecurityTest, TheAuditViewNamesTheParameterItRefuses) {
  auto admin = server.as("admin");
  for (auto const& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"referral_id=0", "referral_id"},
                                                        {"referral_id=-5", "referral_id"},
                                                        {"referral_id=abc", "referral_id"},
                                                        {"referral_id=1&before=0", "before"},
                                                        {"referral_id=1&before=1x", "before"},
                                                        {"referral_id=1&limit=0", "limit"},
                                                        {"referral_id=1&limit=1001", "limit"},
                                                        {"action=Approve", "action"},
                                                        {"action=read%20referral", "action"},
                                                        {"actor=" + std::string(65, 'a'), "actor"},
                                                        {"from=2026-02-30", "from"},
                                                        {"to=yesterday", "to"},
                                                        {"from=2026-03-05&to=2026-03-01", "to"}}) {
    auto const reply = admin.get("/api/v1/audit?" + query);
    EXPECT_EQ(reply.status, 422) << query << ": " << reply.body;
    EXPECT_EQ(reply.error_field(), field) << query;
  }
  // A referral that does not exist has no events: an empty page, not an error.
  auto const unknown = admin.get("/api/v1/audit?referral_id=999999999");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_TRUE(unknown.json().as_array().empty()) << unknown.body;
}

TEST_F(SecurityTest, PathTraversalIsRefused) {
  auto anonymous = server.client();
  for (auto const* target : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                             "/..%2f..%2f..%2fetc%2fpasswd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                             "/..%5c..%5cetc%5cpasswd", "/./index.html", "/css/../../../etc/passwd",
                             "//etc/passwd", "/%00index.html", "/index.html%00.js"}) {
    auto const reply = anonymous.get(target);
    EXPECT_TRUE(reply.status == 404 || reply.status == 400) << target << " → " << reply.status;
    EXPECT_EQ(reply.body.find("root:"), std::string::npos) << target;
  }
  auto const raw =
      testing::raw_exchange(server.port, "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 1000);
  EXPECT_EQ(raw.find("root:"), std::string::npos);
}

TEST_F(SecurityTest, CookieSessionsNeedTheCsrfTokenToWrite) {
  auto client = server.client();
  auto const login = client.post("/api/v1/session",
                                 json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
  ASSERT_EQ(login.status, 200);
  auto const set_cookie = login.header("set-cookie").value_or("");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);  // not configured for TLS here
  auto const cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto const csrf = std::string{login.json().at("csrf_token").as_string()};

  // Reading with the cookie alone is fine.
  EXPECT_EQ(client.request("GET", "/api/v1/me", {}, {{"cookie", cookie}}).status, 200);
  json::object const patient{{"iin", testing::fresh_iin()},
                             {"last_name", "Нұрова"},
                             {"first_name", "Ая"},
                             {"birth_date", "1999-09-09"},
                             {"sex", "female"},
                             {"residency", "citizen"},
                             {"region", "75"},
                             {"insured", true}};
  auto const body = json::serialize(patient);
  auto refused = client.request("POST", "/api/v1/patients", body,
                                {{"cookie", cookie}, {"content-type", "application/json"}});
  EXPECT_EQ(refused.status, 403);
  refused = client.request(
      "POST", "/api/v1/patients", body,
      {{"cookie", cookie}, {"content-type", "application/json"}, {"x-csrf-token", "forged"}});
  EXPECT_EQ(refused.status, 403);
  auto const accepted = client.request(
      "POST", "/api/v1/patients", body,
      {{"cookie", cookie}, {"content-type", "application/json"}, {"x-csrf-token", csrf}});
  EXPECT_EQ(accepted.status, 201) << accepted.body;
  // A tab that lost the token gets a new one with the cookie; the old one stops working.
  auto const renewed = client.request("POST", "/api/v1/session/csrf", {}, {{"cookie", cookie}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  auto const fresh_csrf = std::string{renewed.json().at("csrf_token").as_string()};
  EXPECT_NE(fresh_csrf, csrf);
  auto const another = [&] {
    auto p = patient;
    p["iin"] = testing::fresh_iin();
    return json::serialize(p);
  };
  EXPECT_EQ(
      client
          .request(
              "POST", "/api/v1/patients", another(),
              {{"cookie", cookie}, {"content-type", "application/json"}, {"x-csrf-token", csrf}})
          .status,
      403);
  EXPECT_EQ(client
                .request("POST", "/api/v1/patients", another(),
                         {{"cookie", cookie},
                          {"content-type", "application/json"},
                          {"x-csrf-token", fresh_csrf}})
                .status,
            201);
  // A bearer token is never sent by a browser on its own, so it needs no CSRF token.
  auto const with_bearer = doctor.post("/api/v1/patients", [&] {
    auto p = patient;
    p["iin"] = testing::fresh_iin();
    return p;
  }());
  EXPECT_EQ(with_bearer.status, 201);
}

TEST_F(SecurityTest, SignInIssuesANewTokenAndLogoutKillsIt) {
  auto a = server.client();
  auto b = server.client();
  json::object const credentials{{"login", "commission"}, {"password", "joldama-demo"}};
  auto const first = a.post("/api/v1/session", credentials).json().at("token");
  auto const second = b.post("/api/v1/session", credentials).json().at("token");
  EXPECT_NE(first, second);
  a.use_token(std::string{first.as_string()});
  b.use_token(std::string{second.as_string()});
  EXPECT_EQ(a.get("/api/v1/me").status, 200);
  auto const out = a.del("/api/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("set-cookie").value_or("").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(a.get("/api/v1/me").status, 401);
  EXPECT_EQ(b.get("/api/v1/me").status, 200);  // only that session ended
}

TEST_F(SecurityTest, SecretsAreStoredOnlyAsHashes) {
  auto const token = server.token("admin");
  auto client = server.client();
  auto const login = client.post("/api/v1/session",
                                 json::object{{"login", "admin"}, {"password", "joldama-demo"}});
  auto const csrf = std::string{login.json().at("csrf_token").as_string()};
  server.stop();  // fold the WAL into the file
  EXPECT_EQ(scalar(server.location,
                   "SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'"),
            0);
  // Nowhere in the database: every byte of the SQLite file; on PostgreSQL every text of every
  // table (the sessions keep hashes only).
  std::string file;
  if (testing::on_postgres()) {
    auto db = testing::open_database(server.location);
    for (auto const& table : {"sessions", "users", "audit", "idempotency_keys"}) {
      auto s = db->prepare(fmt::format("SELECT t::text FROM {} AS t", table));
      while (s->step().value()) file += s->text(0);
    }
  } else {
    std::ifstream in{server.db_path, std::ios::binary};
    std::stringstream bytes;
    bytes << in.rdbuf();
    file = bytes.str();
  }
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(file.find(token), std::string::npos);
  EXPECT_EQ(file.find(csrf), std::string::npos);
  EXPECT_EQ(file.find("joldama-demo"), std::string::npos);
}

TEST_F(SecurityTest, LogsHoldNoPasswordsTokensOrPatientData) {
  // Capture what the server writes to stderr while a journey runs.
  auto const log_path = server.dir.file("stderr.log");
  int const saved = ::dup(STDERR_FILENO);
  int const file = ::open(log_path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ::dup2(file, STDERR_FILENO);
  auto client = server.client();
  auto const login = client.post("/api/v1/session",
                                 json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
  auto const token = std::string{login.json().at("token").as_string()};
  client.use_token(token);
  Journey journey{client};
  auto const referral = journey.new_referral("surgery");
  auto const iin = std::string{referral.at("patient").at("iin").as_string()};
  EXPECT_EQ(client.get("/api/v1/patients/" + iin).status, 200);
  EXPECT_EQ(server.client()
                .get(fmt::format("/api/v1/public/status?code={}&iin={}",
                                 std::string{referral.at("code").as_string()}, iin))
                .status,
            200);
  server.app->api().flush();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(file);
  ::close(saved);

  std::ifstream in{log_path};
  std::stringstream text;
  text << in.rdbuf();
  auto const log = text.str();
  EXPECT_NE(log.find("POST /api/v1/referrals 201"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /api/v1/patients/{iin} 200"), std::string::npos) << log;
  EXPECT_NE(log.find("user="), std::string::npos);
  for (auto const& secret : {std::string{"joldama-demo"}, token, iin, std::string{"Тестова"}}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds " << secret;
  }
}

TEST_F(SecurityTest, ConcurrentApprovalsNeverHandOutMoreUnitsThanAllocated) {
  auto republic = server.as("republic");
  auto const hospital =
      server.as("hospital.eye").get("/api/v1/me").json().at("organization").at("id").as_int64();
  auto const row =
      republic.get("/api/v1/quotas?period=2026&region=75&profile=ophthalmology").json().at(0);
  auto const taken = row.at("reserved").as_int64() + row.at("used").as_int64();
  constexpr int kUnits = 3;
  constexpr int kReferrals = 12;
  ASSERT_EQ(
      republic
          .put("/api/v1/quotas/2026/75/ophthalmology", json::object{{"allocated", taken + kUnits}})
          .status,
      200);
  auto commission = server.as("commission");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kReferrals; ++i) {
    auto r = doctor_journey.new_referral("ophthalmology");
    ASSERT_EQ(doctor_journey.act(id_of(r), "submit").status, 200);
    ASSERT_EQ(Journey{commission}.act(id_of(r), "approve", {{"protocol", "P"}}).status, 200);
    ids.push_back(id_of(r));
  }
  auto const token = server.token("republic");
  std::vector<std::thread> threads;
  std::vector<int> statuses(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient own{server.port};
      own.use_token(token);
      statuses[i] = own.post(fmt::format("/api/v1/referrals/{}/actions/approve", ids[i]),
                             json::object{{"hospital_id", hospital}}, {{"if-match", "\"3\""}})
                        .status;
    });
  }
  for (auto& t : threads) t.join();
  int talons = 0;
  int waiting = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(statuses[i], 200);
    auto const state = state_of(republic.get(fmt::format("/api/v1/referrals/{}", ids[i])).json());
    talons += state == "talon_issued";
    waiting += state == "waitlisted";
  }
  EXPECT_EQ(talons, kUnits);
  EXPECT_EQ(waiting, kReferrals - kUnits);
  auto const after =
      republic.get("/api/v1/quotas?period=2026&region=75&profile=ophthalmology").json().at(0);
  EXPECT_EQ(after.at("reserved").as_int64() + after.at("used").as_int64(), taken + kUnits);
  EXPECT_EQ(after.at("available").as_int64(), 0);
}

TEST_F(SecurityTest, TheAuditChainIsKeyedAndItsSignedAnchorIsServedToAdministrators) {
  auto admin = server.as("admin");
  // Enough events for an anchor (every five in the test server).
  for (int i = 0; i < 5; ++i) ASSERT_EQ(doctor.get("/api/v1/referrals?limit=1").status, 200);
  doctor_journey.new_referral();
  auto const reply = admin.get("/api/v1/audit/anchor");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto const anchor = reply.json().as_object();
  AuditAnchor const signed_anchor{anchor.at("seq").as_int64(),
                                  std::string{anchor.at("hash").as_string()},
                                  std::string{anchor.at("at").as_string()},
                                  std::string{anchor.at("key_id").as_string()},
                                  std::string{anchor.at("signature").as_string()}};
  auto const public_keys = storage::load_public_keys(
      storage::AuditKeys::public_key_path(server::audit_key_file(server.config)));
  ASSERT_TRUE(public_keys.has_value());
  auto const key = public_keys->find(signed_anchor.key_id);
  ASSERT_NE(key, public_keys->end());
  EXPECT_TRUE(storage::signature_verifies(key->second, storage::anchor_message(signed_anchor),
                                          signed_anchor.signature));
  // The anchor names a real event of the chain, with its hash.
  EXPECT_EQ(scalar(server.location, "SELECT count(*) FROM audit WHERE seq = " +
                                       std::to_string(signed_anchor.seq) + " AND hash = '" +
                                       signed_anchor.hash + "'"),
            1);
  auto const verified = admin.get("/api/v1/audit/verify").json();
  EXPECT_TRUE(verified.at("ok").as_bool()) << verified;
  EXPECT_EQ(doctor.get("/api/v1/audit/anchor").status, 403);
}

TEST(SessionCookie, IsSecureAndHostPrefixedBehindAnHttpsAddress) {
  TestServer server{[](server::ServerConfig& c) { c.public_url = "https://joldama.example.kz"; }};
  auto client = server.client();
  auto const login = client.post("/api/v1/session", json::object{{"login", "doctor"},
                                                                 {"password", "joldama-demo"}});
  ASSERT_EQ(login.status, 200);
  auto const cookie = login.header("set-cookie").value_or("");
  EXPECT_TRUE(cookie.starts_with("__Host-joldama_session=")) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Domain"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  auto const value = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  // The prefixed cookie signs in; one under the plain name, which any page could have set, does
  // not.
  EXPECT_EQ(client.get("/api/v1/me", {{"cookie", "__Host-joldama_session=" + value}}).status, 200);
  EXPECT_EQ(client.get("/api/v1/me", {{"cookie", "joldama_session=" + value}}).status, 401);
  // Signing out clears the same cookie.
  auto const out = client.request("DELETE", "/api/v1/session", {},
                                  {{"cookie", "__Host-joldama_session=" + value},
                                   {"x-csrf-token", std::string{login.json().at("csrf_token").as_string()}}});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(out.header("set-cookie").value_or("").starts_with("__Host-joldama_session=;"));
  // Over plain http (the default), the plain name and no Secure.
  TestServer plain;
  auto const http_login = plain.client().post(
      "/api/v1/session", json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
  auto const plain_cookie = http_login.header("set-cookie").value_or("");
  EXPECT_TRUE(plain_cookie.starts_with("joldama_session=")) << plain_cookie;
  EXPECT_EQ(plain_cookie.find("Secure"), std::string::npos);
}

TEST(PublicStatus, HasACeilingForEveryAddressTogether) {
  TestServer server{[](server::ServerConfig& c) {
    c.public_lookups_per_minute = 30;
    c.public_lookups_per_minute_total = 5;
  }};
  auto anonymous = server.client();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(anonymous.get("/api/v1/public/status?code=75-26-0000001&iin=850715300122").status,
              404);
  }
  auto const busy = anonymous.get("/api/v1/public/status?code=75-26-0000001&iin=850715300122");
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.error_code(), "rate_limited");
  EXPECT_NE(busy.body.find("busy"), std::string::npos);
  EXPECT_TRUE(busy.header("retry-after").has_value());
  server.clock.advance(std::chrono::seconds{61});
  EXPECT_EQ(anonymous.get("/api/v1/public/status?code=75-26-0000001&iin=850715300122").status,
            404);
}

}  // namespace
}  // namespace joldama
