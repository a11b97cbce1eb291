#pragma once
// A real Joldama server for integration tests: the App on 127.0.0.1 with an ephemeral port, on
// a fresh copy of a demo database (a SQLite file, or with JOLDAMA_TEST_ENGINE=postgres a
// database of the test cluster: tests/support/test_engine.hpp), with a fake clock the test
// moves.

#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <string>

#include "server/program/app.hpp"
#include "server/program/config.hpp"
#include "storage/audit_anchors.hpp"
#include "storage/audit_keys.hpp"
#include "storage/read_pool.hpp"
#include "storage/writer.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_engine.hpp"

namespace joldama::testing {

// When every test server's clock starts: the demo database was seeded at this instant.
Timestamp demo_epoch();

// Signs `login` in with the demo password on the server at `port`; returns the bearer token,
// or throws std::runtime_error naming the login and the answer.
std::string sign_in(std::uint16_t port, std::string const& login);

// The bytes of a minimal PDF, for attachment uploads.
inline std::string const kMinimalPdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

class TestServer {
 public:
  // `adjust` may change the configuration before the server starts.
  explicit TestServer(std::function<void(server::ServerConfig&)> const& adjust = {});
  // A second server on the database of `first` (PostgreSQL only: several servers on one
  // database), with the same audit key and an anchor file of its own.
  explicit TestServer(TestServer const& first,
                      std::function<void(server::ServerConfig&)> const& adjust = {});
  ~TestServer();

  HttpClient client() const { return HttpClient{port}; }
  // A client signed in as `login` (demo password), with its bearer token set.
  HttpClient as(std::string const& login);
  // The token of `login`, signing in once per server.
  std::string token(std::string const& login);

  void stop();
  // Stops, then starts again on the same database (a new port; signed-in clients must sign in
  // again).
  void restart();

  TempDir dir;
  std::filesystem::path db_path;  // the SQLite file, when the server is on SQLite
  std::unique_ptr<PostgresDatabase> postgres;  // the database, when it is on PostgreSQL
  std::string location;  // either: what config.db and open_database() name
  FakeClock clock;
  server::ServerConfig config;
  // The audit chain is keyed and anchored as the real server's is, beside the database.
  std::unique_ptr<storage::AuditKeys> audit_keys;
  std::unique_ptr<storage::AnchorFile> anchors;
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<storage::ReadPool> reader;
  std::unique_ptr<Coordination> coordination;
  std::unique_ptr<server::App> app;
  std::uint16_t port = 0;

 private:
  void start();

  std::map<std::string, std::string> tokens_;
};

// Helpers over the API, failing the test when a step does not answer as expected.
struct Journey {
  HttpClient& client;

  // A new patient of `region` registered by the signed-in doctor; returns the IIN.
  std::string new_patient(std::string const& region = "75");
  // A new referral for a new patient; returns the referral JSON.
  boost::json::object new_referral(std::string const& profile = "cardiac_surgery",
                                   std::string const& urgency = "routine",
                                   std::string const& region = "75",
                                   std::string const& route = "high_tech");
  boost::json::object get(std::int64_t id);
  // Performs `action` with If-Match of the current version; returns the reply.
  HttpReply act(std::int64_t id, std::string const& action, boost::json::object body = {});
};

std::int64_t id_of(boost::json::value const& referral);
std::string state_of(boost::json::value const& referral);
bool allows(boost::json::value const& referral, std::string const& action);

}  // namespace joldama::testing
