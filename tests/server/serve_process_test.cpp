// `joldama serve` as a process: the first line it prints, the demo logins, a clean stop on
// SIGTERM, and a database that verifies afterwards and keeps its data across restarts.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
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
using testing::TempDir;

class ServeProcess {
 public:
  ServeProcess(std::filesystem::path const& db, std::vector<std::string> extra = {}) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<std::string> args{JOLDAMA_BINARY, "serve", "--db", db.string(), "--port", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = out[0];
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_);
  }

  // Reads standard output until it holds `lines` lines (or 30 s pass).
  std::string read_lines(int lines) {
    while (std::count(output_.begin(), output_.end(), '\n') < lines) {
      pollfd poller{stdout_, POLLIN, 0};
      if (::poll(&poller, 1, 30'000) <= 0) break;
      char chunk[1024];
      auto const n = ::read(stdout_, chunk, sizeof chunk);
      if (n <= 0) break;
      output_.append(chunk, static_cast<std::size_t>(n));
    }
    return output_;
  }

  // Sends `signal` and returns the exit status (-1 if it did not exit within 15 s).
  int stop(int signal) {
    ::kill(pid_, signal);
    for (int i = 0; i < 150; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(100'000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::string output_;
};

std::uint16_t port_of(std::string const& output) {
  std::smatch match;
  static std::regex const first_line{R"(^listening on http://127\.0\.0\.1:(\d+)\n)"};
  if (!std::regex_search(output, match, first_line)) return 0;
  return static_cast<std::uint16_t>(std::stoi(match[1]));
}

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

}  // namespace
}  // namespace joldama
