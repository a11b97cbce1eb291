// The access-control matrix: every route of the API, asked by nobody, by every role, and by a
// user of the same role in another region or organization, gets exactly what the scoping rules
// of the domain allow: 401 without an account, 403 when the role may not do it, 404 when the
// thing is outside the caller's scope (never revealing that it exists), and success otherwise.
// A route added to the router without a row here fails the test.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <set>

#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::HttpReply;
using testing::id_of;
using testing::Journey;
using testing::kMinimalPdf;
using testing::TestServer;

constexpr int kOk = 200;  // any 2xx

// Everyone who asks: "" is nobody (no account).
std::vector<std::string> const kCallers{
    "",         "doctor",   "doctor.astana", "commission", "commission.astana",
    "republic", "hospital", "hospital2",     "admin"};

// What the probes act on, made afresh on every server: a referral of the Almaty polyclinic's
// doctor for an Almaty patient with a talon at the cardiac centre (Astana) and one attachment,
// and a second referral of the same doctor still `registered`.
struct Subject {
  std::string patient_iin;
  std::int64_t talon_referral = 0;
  std::string talon_code;
  std::int64_t registered_referral = 0;
  std::int64_t attachment = 0;
  std::int64_t other_doctor = 0;  // the user id of doctor.astana
};

std::int64_t organization_of(TestServer& server, std::string const& login) {
  auto client = server.as(login);
  return client.get("/api/v1/me").json().at("organization").at("id").as_int64();
}

Subject make_subject(TestServer& server) {
  Subject subject;
  auto doctor = server.as("doctor");
  Journey journey{doctor};
  auto const talon = journey.new_referral("cardiac_surgery", "routine", "75");
  subject.talon_referral = id_of(talon);
  subject.talon_code = std::string{talon.at("code").as_string()};
  subject.patient_iin = std::string{talon.at("patient").at("iin").as_string()};
  auto const upload = doctor.request(
      "POST", fmt::format("/api/v1/referrals/{}/attachments", subject.talon_referral), kMinimalPdf,
      {{"content-type", "application/pdf"},
       {"x-filename", "epicrisis.pdf"},
       {"authorization", "Bearer " + server.token("doctor")}});
  EXPECT_EQ(upload.status, 201) << upload.body;
  subject.attachment = upload.json().at("id").as_int64();
  EXPECT_EQ(journey.act(subject.talon_referral, "submit").status, 200);
  auto commission = server.as("commission");
  EXPECT_EQ(
      Journey{commission}.act(subject.talon_referral, "approve", {{"protocol", "П-1"}}).status,
      200);
  auto republic = server.as("republic");
  auto const approved = Journey{republic}.act(
      subject.talon_referral, "approve", {{"hospital_id", organization_of(server, "hospital")}});
  EXPECT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("state").as_string(), "talon_issued");

  subject.registered_referral = id_of(journey.new_referral("oncology", "routine", "75"));

  auto admin = server.as("admin");
  auto const users = admin.get("/api/v1/users").json();
  for (auto const& user : users.as_array()) {
    auto const& shown = user.at("user");
    if (shown.at("login").as_string() == "doctor.astana")
      subject.other_doctor = shown.at("id").as_int64();
  }
  return subject;
}

// One row of the matrix: a route, how to call it as someone, and what each caller must get.
struct Row {
  std::string route;  // "METHOD pattern", as in the router
  // Changes the bureau when it succeeds: each success is probed on a server of its own.
  bool changes_state = false;
  std::function<HttpReply(TestServer&, Subject const&, HttpClient&)> call;
  std::map<std::string, int> expected;  // by caller; "*" for everyone signed in not listed
};

int expected_for(Row const& row, std::string const& caller) {
  if (auto it = row.expected.find(caller); it != row.expected.end()) return it->second;
  if (caller.empty()) return 401;
  return row.expected.at("*");
}

HttpReply json_request(HttpClient& client, std::string const& method, std::string const& target,
                       json::value const& body, testing::Headers headers = {}) {
  if (method == "POST") return client.post(target, body, std::move(headers));
  if (method == "PUT") return client.put(target, body, std::move(headers));
  headers.emplace_back("content-type", "application/json");
  return client.request(method, target, json::serialize(body), std::move(headers));
}

std::vector<Row> matrix() {
  // Who may see the talon's referral (and its patient): its doctor's organization, the
  // commission of the patient's region, the ministry, the hospital the talon names, the admin.
  std::map<std::string, int> const readers{
      {"doctor", kOk},   {"doctor.astana", 404}, {"commission", kOk}, {"commission.astana", 404},
      {"republic", kOk}, {"hospital", kOk},      {"hospital2", 404},  {"admin", kOk}};
  auto only = [](std::initializer_list<std::string> allowed, int others = 403) {
    std::map<std::string, int> expected{{"*", others}};
    for (auto const& login : allowed) expected[login] = kOk;
    return expected;
  };
  auto with = [](std::map<std::string, int> expected, std::map<std::string, int> const& changes) {
    for (auto const& [login, status] : changes) expected[login] = status;
    return expected;
  };
  std::map<std::string, int> const everyone{{"", kOk}, {"*", kOk}};
  std::map<std::string, int> const signed_in{{"*", kOk}};

  auto get = [](std::function<std::string(Subject const&)> target) {
    return [target](TestServer&, Subject const& s, HttpClient& c) { return c.get(target(s)); };
  };
  auto fixed = [&get](std::string target) {
    return get([target](Subject const&) { return target; });
  };

  return {
      {"GET /healthz", false, fixed("/healthz"), everyone},
      // Only to the configured metrics token (none here): to every caller, no such endpoint.
      {"GET /metrics", false, fixed("/metrics"), {{"", 404}, {"*", 404}}},
      {"GET /api/v1/openapi.json", false, fixed("/api/v1/openapi.json"), everyone},
      {"GET /api/v1/regions", false, fixed("/api/v1/regions"), everyone},
      {"GET /api/v1/profiles", false, fixed("/api/v1/profiles"), everyone},
      {"GET /api/v1/places", false, fixed("/api/v1/places?profile=surgery&days=3"), everyone},
      {"GET /api/v1/reasons", false, fixed("/api/v1/reasons?action=cancel"), everyone},
      // A hospital's places are published by its own staff (hospital2 takes planned surgery).
      {"PUT /api/v1/places/{hospital_id}/{profile}/{date}", true,
       [](TestServer& server, Subject const&, HttpClient& c) {
         return c.put(fmt::format("/api/v1/places/{}/surgery/2026-03-10",
                                  organization_of(server, "hospital2")),
                      json::object{{"capacity", 12}});
       },
       only({"hospital2", "admin"})},
      {"PUT /api/v1/organizations/{id}/profiles", true,
       [](TestServer& server, Subject const&, HttpClient& c) {
         return c.put(fmt::format("/api/v1/organizations/{}/profiles",
                                  organization_of(server, "hospital2")),
                      json::object{{"profiles", json::array{"surgery", "uronephrology"}},
                                   {"accepts", json::array{"planned"}}});
       },
       only({"admin"})},
      {"PUT /api/v1/organizations/{id}/contacts", true,
       [](TestServer& server, Subject const&, HttpClient& c) {
         return c.put(fmt::format("/api/v1/organizations/{}/contacts",
                                  organization_of(server, "hospital2")),
                      json::object{{"address", "Алматы, ул. Желтоксан, 62"},
                                   {"phone", "+7 727 000 00 00"}});
       },
       only({"admin"})},
      {"GET /api/v1/organizations/{id}", false,
       [](TestServer& server, Subject const&, HttpClient& c) {
         return c.get(
             fmt::format("/api/v1/organizations/{}", organization_of(server, "hospital2")));
       },
       signed_in},
      {"GET /api/v1/public/status", false, get([](Subject const& s) {
         return fmt::format("/api/v1/public/status?code={}&iin={}", s.talon_code, s.patient_iin);
       }),
       everyone},
      {"POST /api/v1/session", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/session",
                       json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
       },
       everyone},
      {"GET /api/v1/me", false, fixed("/api/v1/me"), signed_in},
      {"PUT /api/v1/me", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.put("/api/v1/me", json::object{{"locale", "ru"}});
       },
       signed_in},
      {"POST /api/v1/me/password", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/me/password",
                       json::object{{"current", "joldama-demo"}, {"new", "Qz7#vLm2!pRt9@wX"}});
       },
       signed_in},
      {"POST /api/v1/session/csrf", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/session/csrf", json::object{});
       },
       signed_in},
      {"DELETE /api/v1/session", true,
       [](TestServer&, Subject const&, HttpClient& c) { return c.del("/api/v1/session"); },
       signed_in},
      {"GET /api/v1/organizations", false, fixed("/api/v1/organizations"), signed_in},
      {"GET /api/v1/icd10", false, fixed("/api/v1/icd10?q=I25"), signed_in},
      // Each reader's own inbox; a notice of nobody's is no one's to mark.
      {"GET /api/v1/notifications", false, fixed("/api/v1/notifications"), signed_in},
      {"POST /api/v1/notifications/{id}/read", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/notifications/999999/read", json::object{});
       },
       {{"*", 404}}},
      {"POST /api/v1/notifications/read-all", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/notifications/read-all", json::object{});
       },
       signed_in},
      // The outbox of patients' messages is the administrator's alone.
      {"GET /api/v1/outbox", false, fixed("/api/v1/outbox"), only({"admin"})},
      {"POST /api/v1/outbox/{id}/retry", false,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/outbox/999999/retry", json::object{});
       },
       {{"*", 403}, {"admin", 404}}},
      // The reports: the planners of the country, and each commission for its own region.
      {"GET /api/v1/reports/quota-use", false, fixed("/api/v1/reports/quota-use?region=75"),
       only({"republic", "admin", "commission"})},
      {"GET /api/v1/reports/waiting", false, fixed("/api/v1/reports/waiting?region=75"),
       only({"republic", "admin", "commission"})},
      {"GET /api/v1/reports/stage-times", false, fixed("/api/v1/reports/stage-times?region=75"),
       only({"republic", "admin", "commission"})},
      {"GET /api/v1/reports/reasons", false, fixed("/api/v1/reports/reasons?region=75"),
       only({"republic", "admin", "commission"})},
      {"GET /api/v1/reports/referrals", false, fixed("/api/v1/reports/referrals"),
       only({"republic", "admin", "commission", "commission.astana"})},
      {"GET /api/v1/referrals", false, fixed("/api/v1/referrals?limit=5"), signed_in},
      {"GET /api/v1/referrals/counts", false, fixed("/api/v1/referrals/counts"), signed_in},
      {"GET /api/v1/referrals/{id}", false,
       get([](Subject const& s) { return fmt::format("/api/v1/referrals/{}", s.talon_referral); }),
       readers},
      {"GET /api/v1/referrals/{id}/attachments", false, get([](Subject const& s) {
         return fmt::format("/api/v1/referrals/{}/attachments", s.talon_referral);
       }),
       readers},
      {"GET /api/v1/referrals/{id}/attachments/{aid}", false, get([](Subject const& s) {
         return fmt::format("/api/v1/referrals/{}/attachments/{}", s.talon_referral, s.attachment);
       }),
       readers},
      {"GET /api/v1/patients/{iin}", false,
       get([](Subject const& s) { return "/api/v1/patients/" + s.patient_iin; }), readers},
      {"POST /api/v1/patients", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/patients", json::object{{"iin", testing::fresh_iin()},
                                                        {"last_name", "Ким"},
                                                        {"first_name", "Ольга"},
                                                        {"birth_date", "1985-07-15"},
                                                        {"sex", "female"},
                                                        {"residency", "citizen"},
                                                        {"region", "75"},
                                                        {"insured", true}});
       },
       only({"doctor", "doctor.astana"})},
      {"POST /api/v1/referrals", true,
       [](TestServer&, Subject const& s, HttpClient& c) {
         return c.post("/api/v1/referrals", json::object{{"patient_iin", s.patient_iin},
                                                         {"icd10", "C50.1"},
                                                         {"profile", "oncology"},
                                                         {"urgency", "urgent"},
                                                         {"care_form", "inpatient"},
                                                         {"justification", "Биопсия"}});
       },
       // A doctor of another organization must first ask for access to the patient's record:
       // until then the IIN answers as if nobody had registered it.
       with(only({"doctor"}), {{"doctor.astana", 422}})},
      {"POST /api/v1/patients/{iin}/access", true,
       [](TestServer&, Subject const& s, HttpClient& c) {
         return c.post("/api/v1/patients/" + s.patient_iin + "/access",
                       json::object{{"reason", "Пациент переехал и наблюдается у нас"}});
       },
       only({"doctor", "doctor.astana"})},
      {"GET /api/v1/patient-accesses", false, fixed("/api/v1/patient-accesses"), only({"admin"})},
      // The hospital the talon names accepts it; its doctor and commission see it but may not.
      {"POST /api/v1/referrals/{id}/actions/{action}", true,
       [](TestServer& server, Subject const& s, HttpClient& c) {
         auto const version = server.as("republic")
                                  .get(fmt::format("/api/v1/referrals/{}", s.talon_referral))
                                  .header("etag")
                                  .value_or("\"0\"");
         return c.post(fmt::format("/api/v1/referrals/{}/actions/accept", s.talon_referral),
                       json::object{{"planned_date", "2026-03-20"}}, {{"if-match", version}});
       },
       with(readers, {{"doctor", 403}, {"commission", 403}, {"republic", 403}, {"admin", 403}})},
      {"POST /api/v1/referrals/{id}/attachments", true,
       [](TestServer& server, Subject const& s, HttpClient& c) {
         (void)server;
         return c.request("POST",
                          fmt::format("/api/v1/referrals/{}/attachments", s.registered_referral),
                          kMinimalPdf,
                          {{"content-type", "application/pdf"},
                           {"x-filename", "more.pdf"},
                           {"authorization", c.token().empty() ? "" : "Bearer " + c.token()}});
       },
       // Documents go onto the doctor's own referral still being prepared (no talon yet, so
       // no hospital sees it).
       with(readers, {{"commission", 403}, {"republic", 403}, {"hospital", 404}, {"admin", 403}})},
      {"GET /api/v1/quotas", false, fixed("/api/v1/quotas?period=2026"),
       only({"commission", "commission.astana", "republic", "admin"})},
      {"PUT /api/v1/quotas/{period}/{region}/{profile}", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.put("/api/v1/quotas/2026/75/cardiac_surgery", json::object{{"allocated", 500}});
       },
       only({"republic", "admin"})},
      {"POST /api/v1/quotas/distribute", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/quotas/distribute", json::object{{"period", 2026},
                                                                 {"profile", "cardiac_surgery"},
                                                                 {"total", 5000},
                                                                 {"dry_run", true}});
       },
       only({"republic"})},
      {"GET /api/v1/audit", false, get([](Subject const& s) {
         return fmt::format("/api/v1/audit?referral_id={}", s.talon_referral);
       }),
       only({"republic", "admin"})},
      {"GET /api/v1/audit/verify", false, fixed("/api/v1/audit/verify"), only({"admin"})},
      {"GET /api/v1/audit/anchor", false, fixed("/api/v1/audit/anchor"), only({"admin"})},
      {"GET /api/v1/users", false, fixed("/api/v1/users"), only({"admin"})},
      {"GET /api/v1/calendar", false, fixed("/api/v1/calendar?year=2026"), signed_in},
      {"POST /api/v1/calendar/days-off", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         // A Monday ahead of the test clock's 2 March 2026.
         return c.post("/api/v1/calendar/days-off",
                       json::object{{"date", "2026-06-15"}, {"description", "Day off by order"}});
       },
       only({"admin"})},
      {"POST /api/v1/users", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/users", json::object{{"login", "new.doctor"},
                                                     {"name", "Жаңа Дәрігер"},
                                                     {"role", "doctor"},
                                                     {"organization_id", 1},
                                                     {"password", "a-long-password-123"}});
       },
       only({"admin"})},
      {"PATCH /api/v1/users/{id}", true,
       [](TestServer&, Subject const& s, HttpClient& c) {
         return json_request(c, "PATCH", fmt::format("/api/v1/users/{}", s.other_doctor),
                             json::object{{"name", "Жаксыбеков Ерлан"}},
                             {{"authorization", c.token().empty() ? "" : "Bearer " + c.token()}});
       },
       only({"admin"})},
      {"POST /api/v1/organizations", true,
       [](TestServer&, Subject const&, HttpClient& c) {
         return c.post("/api/v1/organizations", json::object{{"name", "Клиника"},
                                                             {"kind", "hospital"},
                                                             {"level", "regional"},
                                                             {"region", "35"}});
       },
       only({"admin"})},
  };
}

HttpClient client_of(TestServer& server, std::string const& caller) {
  return caller.empty() ? server.client() : server.as(caller);
}

TEST(AccessControl, EveryRouteEveryRoleEveryScope) {
  auto const rows = matrix();

  // Every route of the router has its row, and every row is a route.
  TestServer shared;
  std::set<std::string> routes;
  for (auto const& route : shared.app->api().router().routes()) {
    routes.insert(fmt::format("{} {}", server::to_string(route.method), route.pattern));
  }
  std::set<std::string> rowed;
  for (auto const& row : rows) rowed.insert(row.route);
  EXPECT_EQ(rowed, routes);

  auto const subject = make_subject(shared);
  std::vector<std::string> mismatches;
  for (auto const& row : rows) {
    for (auto const& caller : kCallers) {
      int const expected = expected_for(row, caller);
      bool const alone = row.changes_state && expected == kOk;
      std::optional<TestServer> own;
      if (alone) own.emplace();
      auto& server = alone ? *own : shared;
      auto const& s = alone ? make_subject(server) : subject;
      auto client = client_of(server, caller);
      auto const reply = row.call(server, s, client);
      bool const matches =
          expected == kOk ? reply.status >= 200 && reply.status < 300 : reply.status == expected;
      if (!matches) {
        mismatches.push_back(fmt::format("{} as {}: expected {}, got {} {:.160}", row.route,
                                         caller.empty() ? "nobody" : caller, expected, reply.status,
                                         reply.body));
      }
    }
  }
  for (auto const& mismatch : mismatches) ADD_FAILURE() << mismatch;
}

// Lists hold exactly what the caller may see: the talon's referral is in the worklist and the
// counts of those who may read it, and in nobody else's.
TEST(AccessControl, WorklistsHoldExactlyWhatTheCallerMaySee) {
  TestServer server;
  auto const subject = make_subject(server);
  std::set<std::string> const readers{"doctor", "commission", "republic", "hospital", "admin"};
  for (auto const& caller : kCallers) {
    if (caller.empty()) continue;
    auto client = server.as(caller);
    auto const list = client.get("/api/v1/referrals?limit=200&q=" + subject.talon_code);
    ASSERT_EQ(list.status, 200) << caller << ": " << list.body;
    bool found = false;
    auto const body = list.json();
    for (auto const& item : body.at("items").as_array()) {
      found = found || item.at("id").as_int64() == subject.talon_referral;
      // Nothing outside the caller's scope, whatever the search.
      if (caller == "doctor.astana" || caller == "commission.astana") {
        EXPECT_NE(item.at("patient").at("region").as_string(), "75") << caller;
      }
    }
    EXPECT_EQ(found, readers.contains(caller)) << caller;
  }
  // A commission asking for another region's quotas gets its own region's only.
  auto commission = server.as("commission.astana");
  auto const quotas = commission.get("/api/v1/quotas?period=2026&region=75");
  ASSERT_EQ(quotas.status, 200);
  auto const rows = quotas.json();
  for (auto const& row : rows.as_array()) {
    EXPECT_EQ(row.at("region").as_string(), "71") << quotas.body.substr(0, 200);
  }
}

}  // namespace
}  // namespace joldama
