#include "tests/support/test_server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "server/security/crypto.hpp"
#include "storage/coordination.hpp"
#include "storage/engine.hpp"
#include "server/program/demo_data.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::testing {

namespace json = boost::json;

namespace {

// Fills the database at `location` with the demo data.
void seed_demo_into(std::string const& location) {
  (void)server::init_crypto();
  FakeClock clock{demo_epoch()};
  auto writer = storage::open_writer(location);
  if (!writer) throw std::runtime_error(writer.error().message);
  auto reader = storage::open_read_pool(location, 1);
  if (!reader) throw std::runtime_error(reader.error().message);
  auto seeded = server::seed_demo(**writer, **reader, clock, kazakhstan_calendar(),
                                  icd10_catalogue(), DeadlinePolicy{});
  if (!seeded || !*seeded) throw std::runtime_error("demo seeding failed");
  reader->reset();
  (*writer)->stop();
}

// The demo database, seeded once per test binary and copied for every server: seeding hashes
// eight passwords with Argon2id, which is slow by design.
std::filesystem::path const& golden_demo_file() {
  static TempDir const dir;
  static std::filesystem::path const path = [] {
    auto const file = dir.file("demo.db");
    seed_demo_into(file.string());
    return file;
  }();
  return path;
}

// The same on PostgreSQL: a database that each server's is made a copy of.
PostgresDatabase const& golden_demo_postgres() {
  static PostgresDatabase const golden;
  static bool const seeded = [] {
    seed_demo_into(golden.uri());
    return true;
  }();
  (void)seeded;
  return golden;
}

}  // namespace

Timestamp demo_epoch() {
  return at("2026-03-02T10:00:00+05:00");
}

TestServer::TestServer(std::function<void(server::ServerConfig&)> const& adjust)
    : db_path(dir.file("joldama.db")), clock(demo_epoch()), config(server::default_config()) {
  if (on_postgres()) {
    postgres = std::make_unique<PostgresDatabase>(golden_demo_postgres().name());
    location = postgres->uri();
    // The audit files in the test's folder, as beside a file.
    config.audit_key_file = db_path.string() + ".audit-key";
    config.audit_anchor_file = db_path.string() + ".anchors";
  } else {
    std::filesystem::copy_file(golden_demo_file(), db_path);
    location = db_path.string();
  }
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = 2;
  config.sweep_interval = std::chrono::hours{1};
  config.read_timeout = std::chrono::seconds{5};
  config.db = location;
  config.audit_anchor_every = 5;
  // The suites run a second time with the API's reads on a pool of their own, as an engine
  // across a socket runs them (see tests/CMakeLists.txt).
  if (char const* threads = std::getenv("JOLDAMA_TEST_READ_THREADS")) {
    config.read_threads = static_cast<std::size_t>(std::strtoul(threads, nullptr, 10));
  }
  if (adjust) adjust(config);
  start();
}

TestServer::TestServer(TestServer const& first,
                       std::function<void(server::ServerConfig&)> const& adjust)
    : db_path(dir.file("joldama.db")), clock(first.clock.now()), config(first.config) {
  if (!first.postgres) throw std::logic_error("several servers share a PostgreSQL database only");
  location = first.location;
  config.audit_key_file = server::audit_key_file(first.config);
  config.audit_anchor_file = dir.file("second.anchors");
  if (adjust) adjust(config);
  start();
}

void TestServer::restart() {
  stop();
  tokens_.clear();
  start();
}

void TestServer::start() {
  std::int64_t next_seq = 1;
  next_seq = storage::next_audit_seq(*open_database(location)).value();
  auto keys = storage::AuditKeys::load_or_create(server::audit_key_file(config), next_seq);
  if (!keys) throw std::runtime_error(keys.error().message);
  audit_keys = std::make_unique<storage::AuditKeys>(std::move(*keys));
  auto anchor_file = storage::AnchorFile::open(server::audit_anchor_file(config), *audit_keys,
                                               config.audit_anchor_every);
  if (!anchor_file) throw std::runtime_error(anchor_file.error().message);
  anchors = std::move(*anchor_file);
  storage::WriterOptions options{config.writer_max_batch};
  options.audit_keys = audit_keys.get();
  options.anchors = anchors.get();
  auto started = storage::open_writer(location, options);
  if (!started) throw std::runtime_error(started.error().message);
  writer = std::move(*started);
  auto opened = storage::open_read_pool(location, config.read_connections, audit_keys.get());
  if (!opened) throw std::runtime_error(opened.error().message);
  reader = std::move(*opened);
  coordination = storage::coordination_for(location);
  app = std::make_unique<server::App>(config, clock, kazakhstan_calendar(), icd10_catalogue(),
                                      *writer, *reader, anchors.get(), coordination.get());
  auto bound = app->start();
  if (!bound) throw std::runtime_error(bound.error().message);
  port = *bound;
}

TestServer::~TestServer() {
  stop();
}

void TestServer::stop() {
  if (app) app->stop();
  app.reset();
  reader.reset();
  writer.reset();  // closes the connection: the WAL is folded into the file
}

std::string sign_in(std::uint16_t port, std::string const& login) {
  HttpClient client{port};
  auto const reply = client.post(
      "/api/v1/session", json::object{{"login", login}, {"password", server::kDemoPassword}});
  if (reply.status != 200) {
    throw std::runtime_error(
        fmt::format("sign-in of {} failed: {} {}", login, reply.status, reply.body));
  }
  return std::string{reply.json().at("token").as_string()};
}

std::string TestServer::token(std::string const& login) {
  if (auto it = tokens_.find(login); it != tokens_.end()) return it->second;
  return tokens_[login] = sign_in(port, login);
}

HttpClient TestServer::as(std::string const& login) {
  auto c = client();
  c.use_token(token(login));
  return c;
}

std::string Journey::new_patient(std::string const& region) {
  auto const iin = fresh_iin();
  auto const reply = client.post("/api/v1/patients", json::object{{"iin", iin},
                                                                  {"last_name", "Тестова"},
                                                                  {"first_name", "Әсел"},
                                                                  {"middle_name", "Маратқызы"},
                                                                  {"birth_date", "1980-05-17"},
                                                                  {"sex", "female"},
                                                                  {"residency", "citizen"},
                                                                  {"region", region},
                                                                  {"phone", "+7 701 123 45 67"},
                                                                  {"insured", true}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  return iin;
}

json::object Journey::new_referral(std::string const& profile, std::string const& urgency,
                                   std::string const& region, std::string const& route) {
  auto const iin = new_patient(region);
  auto const reply = client.post("/api/v1/referrals",
                                 json::object{{"patient_iin", iin},
                                              {"icd10", "I25.1"},
                                              {"profile", profile},
                                              {"route", route},
                                              {"urgency", urgency},
                                              {"care_form", "inpatient"},
                                              {"justification", "Coronary artery bypass needed"}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  auto value = reply.json();
  return value.is_object() ? value.as_object() : json::object{};
}

json::object Journey::get(std::int64_t id) {
  auto const reply = client.get(fmt::format("/api/v1/referrals/{}", id));
  EXPECT_EQ(reply.status, 200) << reply.body;
  auto value = reply.json();
  return value.is_object() ? value.as_object() : json::object{};
}

HttpReply Journey::act(std::int64_t id, std::string const& action, json::object body) {
  auto const current = client.get(fmt::format("/api/v1/referrals/{}", id));
  auto const etag = current.header("etag").value_or("\"0\"");
  return client.post(fmt::format("/api/v1/referrals/{}/actions/{}", id, action), body,
                     {{"if-match", etag}});
}

std::int64_t id_of(json::value const& referral) {
  return referral.at("id").as_int64();
}

std::string state_of(json::value const& referral) {
  return std::string{referral.at("state").as_string()};
}

bool allows(json::value const& referral, std::string const& action) {
  for (auto const& a : referral.at("allowed_actions").as_array()) {
    if (a.as_string() == action) return true;
  }
  return false;
}

}  // namespace joldama::testing
