// `joldama serve` as a process: the first line it prints, the demo logins, a clean stop on
// SIGTERM, and a database that verifies afterwards and keeps its data across restarts.

#include "tests/support/serve_process.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <regex>

#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using testing::HttpClient;
using testing::port_of;
using testing::ServeProcess;
using testing::TempDir;

std::string run(std::string const& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[512];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

TEST(ServeProcess, StartsWithDemoDataStopsCleanlyAndKeepsItsData) {
  TempDir dir;
  auto const db = dir.file("bureau.db");
  std::int64_t referrals = 0;
  {
    ServeProcess serve{db, {"--demo"}};
    auto const output = serve.read_lines(10);
    auto const port = port_of(output);
    ASSERT_NE(port, 0) << output;
    EXPECT_NE(output.find("doctor.astana"), std::string::npos) << output;
    EXPECT_NE(output.find("joldama-demo"), std::string::npos);

    HttpClient client{port};
    auto const login = client.post("/api/v1/session",
                                   json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
    ASSERT_EQ(login.status, 200) << login.body;
    client.use_token(std::string{login.json().at("token").as_string()});
    auto const list = client.get("/api/v1/referrals?limit=200");
    referrals = static_cast<std::int64_t>(list.json().at("items").as_array().size());
    EXPECT_GT(referrals, 5);
    EXPECT_EQ(serve.stop(SIGTERM), 0);
  }
  // Closed cleanly: the write-ahead log was folded in and removed, the audit chain verifies.
  EXPECT_FALSE(std::filesystem::exists(db.string() + "-wal"));
  auto const verified = run(fmt::format("{} verify-audit --db '{}'", JOLDAMA_BINARY, db.string()));
  EXPECT_TRUE(verified.starts_with("ok ")) << verified;

  // A restart keeps everything and does not seed again.
  ServeProcess again{db, {"--demo"}};
  auto const port = port_of(again.read_lines(1));
  ASSERT_NE(port, 0);
  HttpClient client{port};
  auto const login = client.post("/api/v1/session",
                                 json::object{{"login", "doctor"}, {"password", "joldama-demo"}});
  client.use_token(std::string{login.json().at("token").as_string()});
  EXPECT_EQ(static_cast<std::int64_t>(
                client.get("/api/v1/referrals?limit=200").json().at("items").as_array().size()),
            referrals);
  EXPECT_EQ(again.stop(SIGINT), 0);
}

TEST(ServeProcess, RefusesABadConfiguration) {
  TempDir dir;
  auto const output = run(fmt::format("{} serve --db '{}' --port 70000 2>&1; echo \"exit=$?\"",
                                      JOLDAMA_BINARY, dir.file("x.db").string()));
  EXPECT_NE(output.find("--port"), std::string::npos) << output;
  EXPECT_NE(output.find("exit=2"), std::string::npos) << output;
}

TEST(ServeProcess, CreatesItsFilesReadableByTheOwnerOnly) {
  TempDir dir;
  auto const data = dir.file("data");
  auto const db = data / "bureau.db";
  {
    ServeProcess server{db, {"--demo"}};
    ASSERT_NE(server.wait_for_port(), 0);
    struct stat wal {};
    ASSERT_EQ(::stat((db.string() + "-wal").c_str(), &wal), 0);
    EXPECT_EQ(wal.st_mode & 0777, 0600u) << "the write-ahead log";
    EXPECT_EQ(server.stop(SIGTERM), 0);
  }
  auto const backup = dir.file("copy.db");
  ASSERT_EQ(std::system(fmt::format("'{}' backup --db '{}' --to '{}' > /dev/null", JOLDAMA_BINARY,
                                    db.string(), backup.string())
                            .c_str()),
            0);
  for (auto const& path : {db, std::filesystem::path{db.string() + ".audit-key"},
                           std::filesystem::path{db.string() + ".audit-key.pub"},
                           std::filesystem::path{db.string() + ".anchors"}, backup}) {
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0) << path;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << path;
  }
  struct stat folder {};
  ASSERT_EQ(::stat(data.c_str(), &folder), 0);
  EXPECT_EQ(folder.st_mode & 0777, 0700u) << "the folder the server made for its database";
}

}  // namespace
}  // namespace joldama
