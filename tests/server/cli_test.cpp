// The real `joldama` binary, run as a newcomer or an operator would.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

using testing::TestBureau;

struct Run {
  int exit_code = -1;
  std::string output;
};

Run joldama(std::string const& arguments) {
  std::string const command = fmt::format("{} {} 2>&1", JOLDAMA_BINARY, arguments);
  Run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    run.output.append(buffer.data(), n);
  int const status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string quoted(std::filesystem::path const& p) {
  return fmt::format("'{}'", p.string());
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bureau.set_quota(bureau.key(), 2));
    ASSERT_TRUE(bureau.referral_with_talon());
  }
  TestBureau bureau;
};

TEST_F(CliTest, VerifyAuditPassesOnAnUntouchedDatabase) {
  auto const events = *bureau.count("SELECT count(*) FROM audit");
  auto const run = joldama("verify-audit --db " + quoted(bureau.db_path));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "ok " + std::to_string(events) + " events\n");
}

TEST_F(CliTest, VerifyAuditNamesTheTamperedEvent) {
  bureau.writer->stop();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(bureau.db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER audit_is_append_only_update;"
                         "UPDATE audit SET actor = 'mallory' WHERE seq = 4;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto const run = joldama("verify-audit --db " + quoted(bureau.db_path));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("broken at event 4"), std::string::npos) << run.output;
}

TEST_F(CliTest, BackupMakesAVerifiableCopyWhileTheDatabaseIsOpen) {
  auto const copy = bureau.dir.file("backup.db");
  auto const run = joldama("backup --db " + quoted(bureau.db_path) + " --to " + quoted(copy));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(std::filesystem::exists(copy));
  auto const verified = joldama("verify-audit --db " + quoted(copy));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  auto const again = joldama("backup --db " + quoted(bureau.db_path) + " --to " + quoted(copy));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
}

TEST(Cli, UsageErrorsExitWithTwoAndExplain) {
  auto const unknown = joldama("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command"), std::string::npos);
  auto const missing_flag = joldama("verify-audit");
  EXPECT_EQ(missing_flag.exit_code, 2);
  EXPECT_NE(missing_flag.output.find("--db"), std::string::npos);
  auto const missing_db = joldama("verify-audit --db /nonexistent/joldama.db");
  EXPECT_EQ(missing_db.exit_code, 2);
  auto const help = joldama("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("verify-audit"), std::string::npos);
}

}  // namespace
}  // namespace joldama
