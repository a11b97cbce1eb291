// Reference data, health, metrics, the OpenAPI description, static files, the sweep's timer
// and the demo data, over real HTTP.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <thread>

#include "server/api/api.hpp"
#include "server/program/demo_data.hpp"
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

TEST(Operations, ReferenceData) {
  TestServer server;
  auto anonymous = server.client();
  auto const regions = anonymous.get("/api/v1/regions").json().as_array();
  ASSERT_EQ(regions.size(), 20u);
  EXPECT_EQ(regions.front().at("code").as_string(), "10");
  for (auto const& r : regions) {
    EXPECT_GT(r.at("population").as_int64(), 0);
    EXPECT_GE(r.at("population_as_of").as_string(), "2025-01-01");
    EXPECT_TRUE(r.at("population_exact").is_bool());
  }
  EXPECT_EQ(regions.back().at("name").at("kk").as_string(), "Шымкент қаласы");
  auto const profiles = anonymous.get("/api/v1/profiles").json().as_array();
  ASSERT_EQ(profiles.size(), 12u);
  EXPECT_EQ(profiles.front().at("code").as_string(), "cardiac_surgery");
  EXPECT_EQ(anonymous.get("/api/v1/organizations").status, 401);
  auto const hospitals =
      server.as("doctor").get("/api/v1/organizations?kind=hospital&level=republican");
  ASSERT_EQ(hospitals.status, 200);
  auto const listed = hospitals.json();
  ASSERT_FALSE(listed.as_array().empty());
  for (auto const& o : listed.as_array()) EXPECT_EQ(o.at("kind").as_string(), "hospital");
  EXPECT_EQ(server.as("doctor").get("/api/v1/organizations?kind=pharmacy").error_field(), "kind");
}

constexpr char const* kMetricsToken = "metrics-token-for-the-test-0123456789";

TEST(Operations, HealthAndMetrics) {
  TestServer server{[](server::ServerConfig& c) { c.metrics_token = kMetricsToken; }};
  auto anonymous = server.client();
  auto const health = anonymous.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  (void)anonymous.get("/api/v1/referrals");  // a 401, to be counted
  // Only to the configured token: without it, or with another, there is no such endpoint.
  EXPECT_EQ(anonymous.get("/metrics").status, 404);
  EXPECT_EQ(anonymous.get("/metrics", {{"authorization", "Bearer wrong"}}).status, 404);
  EXPECT_EQ(server.as("admin").get("/metrics").status, 404);  // a session token is not it
  auto const metrics =
      anonymous.get("/metrics", {{"authorization", std::string{"Bearer "} + kMetricsToken}});
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.header("content-type").value_or("").starts_with("text/plain"));
  auto const& text = metrics.body;
  EXPECT_NE(
      text.find(R"(joldama_http_requests_total{route="/healthz",method="GET",status="200"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(joldama_http_requests_total{route="/api/v1/referrals",method="GET",status="401"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(joldama_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(joldama_referrals{state="waitlisted"} 1)"), std::string::npos);
  // The demo's unanswered talon expired at seeding.
  EXPECT_NE(text.find(R"(joldama_referrals{state="expired"} 1)"), std::string::npos);
  // What the engine reports of itself: SQLite's checkpoints, PostgreSQL's reconnections.
  if (testing::on_postgres()) {
    EXPECT_NE(text.find("\njoldama_writer_reconnections_total 0\n"), std::string::npos);
    EXPECT_EQ(text.find("checkpoints"), std::string::npos);
  } else {
    EXPECT_NE(text.find("\njoldama_writer_checkpoints_total "), std::string::npos);
    EXPECT_NE(text.find("\njoldama_writer_checkpoints_busy_total 0\n"), std::string::npos);
    EXPECT_NE(text.find("\njoldama_writer_checkpoints_failed_total 0\n"), std::string::npos);
    EXPECT_EQ(text.find("reconnections"), std::string::npos);
  }
  // The engine's figures come with their type, and a labelled one with its label.
  EXPECT_NE(text.find("\n# TYPE joldama_writer_commits_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("\n# TYPE joldama_writer_queue gauge\n"), std::string::npos);
  EXPECT_NE(text.find("\njoldama_writer_commands_total{outcome=\"ok\"} "), std::string::npos);
  EXPECT_NE(text.find("\njoldama_writer_commands_total{outcome=\"failed\"} "), std::string::npos);

  // The deadline sweep's passes, counted once each is done (the first runs as the server
  // starts), with what it did.
  std::string swept;
  for (int attempt = 0; attempt < 500; ++attempt) {
    swept = anonymous.get("/metrics", {{"authorization", std::string{"Bearer "} + kMetricsToken}})
                .body;
    if (swept.find("\njoldama_sweeps_total 0\n") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_NE(swept.find("\njoldama_sweeps_total 1\n"), std::string::npos) << swept;
  EXPECT_NE(swept.find("\n# TYPE joldama_swept_referrals_total counter\n"), std::string::npos);
  EXPECT_NE(swept.find("\njoldama_swept_referrals_total{action=\"overdue\"} "), std::string::npos);
}

TEST(Operations, MetricsOnAnAddressOfTheirOwnAndNotOnTheMainOne) {
  TestServer server{[](server::ServerConfig& c) { c.metrics_listen = "127.0.0.1:0"; }};
  ASSERT_NE(server.app->metrics_port(), 0);
  ASSERT_NE(server.app->metrics_port(), server.port);
  testing::HttpClient metrics{server.app->metrics_port()};
  auto const reply = metrics.get("/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("joldama_http_requests_total"), std::string::npos);
  EXPECT_EQ(metrics.get("/healthz").status, 200);
  // Nothing of the API there, and no metrics on the main address.
  EXPECT_EQ(metrics.get("/api/v1/regions").status, 404);
  EXPECT_EQ(metrics.request("POST", "/metrics").status, 405);
  EXPECT_EQ(server.client().get("/metrics").status, 404);
}

TEST(Operations, TheOpenApiDocumentDescribesEveryRouteAndNothingElse) {
  TestServer server;
  auto const reply = server.client().get("/api/v1/openapi.json");
  ASSERT_EQ(reply.status, 200);
  auto const doc = reply.json();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  auto const& paths = doc.at("paths").as_object();
  std::set<std::string> documented;
  for (auto const& [path, item] : paths) {
    for (auto const& [method, operation] : item.as_object()) {
      documented.insert(std::string{method} + " " + std::string{path});
      EXPECT_TRUE(operation.as_object().contains("responses")) << path;
    }
  }
  std::set<std::string> routed;
  for (auto const& route : server.app->api().router().routes()) {
    std::string method{server::to_string(route.method)};
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routed.insert(method + " " + route.pattern);
  }
  EXPECT_EQ(documented, routed);
  EXPECT_GE(routed.size(), 26u);
  // Every referenced schema exists.
  auto const& schemas = doc.at("components").at("schemas").as_object();
  auto const text = reply.body;
  for (std::size_t at = text.find("#/components/schemas/"); at != std::string::npos;
       at = text.find("#/components/schemas/", at + 1)) {
    auto const start = at + std::string_view{"#/components/schemas/"}.size();
    auto const name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(schemas.contains(name)) << name;
  }
}

TEST(Operations, StaticFilesAreServedWithTheirTypeAndSecurityHeaders) {
  testing::TempDir web;
  auto const root = web.path();
  std::filesystem::create_directories(root / "css");
  { std::ofstream{root / "index.html"} << "<!doctype html><title>Joldama</title>"; }
  { std::ofstream{root / "css" / "app.css"} << "body{}"; }
  { std::ofstream{root / "app.js"} << "export {};"; }
  std::filesystem::create_symlink("/etc/passwd", root / "passwd");
  TestServer server([&](server::ServerConfig& config) { config.web_root = root; });
  auto anonymous = server.client();
  auto page = anonymous.get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>Joldama</title>");
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  auto const csp = page.header("content-security-policy").value_or("");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
  auto const etag = page.header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(anonymous.get("/", {{"if-none-match", etag}}).status, 304);
  EXPECT_EQ(anonymous.get("/index.html").body, page.body);
  EXPECT_EQ(anonymous.get("/css/app.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(anonymous.get("/app.js").header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(anonymous.get("/missing.js").status, 404);
  // A link out of the web root is not followed.
  EXPECT_EQ(anonymous.get("/passwd").status, 404);
}

TEST(Operations, TheSweepRunsOnItsTimerWithTheInjectedClock) {
  TestServer server(
      [](server::ServerConfig& config) { config.sweep_interval = std::chrono::seconds{1}; });
  auto republic = server.as("republic");
  // The demo's talon for the cardiac centre was issued on 28 February and is valid for 30 days.
  auto const talons =
      republic.get("/api/v1/referrals?state=talon_issued&limit=200").json().at("items");
  ASSERT_FALSE(talons.as_array().empty());
  auto const id = id_of(talons.at(0));
  server.clock.advance(std::chrono::days{45});
  // Sign in again after the jump (the session would have idled out), then wait for the timer.
  HttpClient fresh = server.client();
  auto const login = fresh.post("/api/v1/session",
                                json::object{{"login", "republic"}, {"password", "joldama-demo"}});
  fresh.use_token(std::string{login.json().at("token").as_string()});
  std::string state;
  for (int i = 0; i < 50 && state != "expired"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    state = state_of(fresh.get(fmt::format("/api/v1/referrals/{}", id)).json());
  }
  EXPECT_EQ(state, "expired");
  auto const history =
      fresh.get(fmt::format("/api/v1/referrals/{}", id)).json().at("history").as_array();
  EXPECT_EQ(history.back().at("action").as_string(), "expire");
  EXPECT_EQ(history.back().at("by").at("login").as_string(), "system");
}

TEST(Operations, DemoDataIsAsTheContractSays) {
  TestServer server;
  for (auto const& login : server::demo_logins()) {
    auto me = server.as(login.login).get("/api/v1/me");
    ASSERT_EQ(me.status, 200) << login.login;
    EXPECT_EQ(me.json().at("role").as_string(), login.role);
  }
  EXPECT_EQ(server.as("doctor").get("/api/v1/me").json().at("region").as_string(), "75");
  EXPECT_EQ(server.as("doctor.astana").get("/api/v1/me").json().at("region").as_string(), "71");
  EXPECT_EQ(server.as("commission.astana").get("/api/v1/me").json().at("region").as_string(), "71");
  EXPECT_EQ(
      server.as("hospital").get("/api/v1/me").json().at("organization").at("name").as_string(),
      "Национальный научный кардиохирургический центр");
  auto const quotas = server.as("republic").get("/api/v1/quotas?period=2026").json().as_array();
  ASSERT_EQ(quotas.size(), 20u * 12u);
  for (auto const& q : quotas) {
    auto const allocated = q.at("allocated").as_int64();
    bool const small_on_purpose =
        q.at("region").as_string() == "75" && q.at("profile").as_string() == "transplantation";
    EXPECT_TRUE(small_on_purpose ? allocated == 1 : (allocated >= 2 && allocated <= 20))
        << allocated;
  }
  auto const counts = server.as("republic").get("/api/v1/referrals/counts").json().at("counts");
  int states_present = 0;
  for (auto const& [state, n] : counts.as_object()) states_present += n.as_int64() > 0;
  EXPECT_GE(states_present, 10);
  // Every worklist has something on it.
  for (auto const& login : {"doctor", "doctor.astana", "commission", "commission.astana",
                            "republic", "hospital", "hospital2"}) {
    EXPECT_FALSE(server.as(login).get("/api/v1/referrals").json().at("items").as_array().empty())
        << login;
  }
  // And seeding never touches a database that holds data.
  testing::FakeClock clock{testing::demo_epoch()};
  auto again =
      server::seed_demo(*server.writer, *server.reader, clock, testing::kazakhstan_calendar(),
                        testing::icd10_catalogue(), {});
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace joldama
