// The real `joldama` binary, run as a newcomer or an operator would.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include <signal.h>

#include "storage/audit_chain.hpp"
#include "storage/audit_keys.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/temp_dir.hpp"
#include <boost/json.hpp>
#include "tests/support/test_bureau.hpp"

namespace joldama {
namespace {

using testing::HttpClient;
using testing::TestBureau;

struct CliRun {
  int exit_code = -1;
  std::string output;
};

// Runs `command` in a shell; its exit status and what it printed.
CliRun joldama_run(std::string const& command_line) {
  std::string const command = command_line + " 2>&1";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    run.output.append(buffer.data(), n);
  int const status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

CliRun joldama(std::string const& arguments) {
  return joldama_run(fmt::format("{} {}", JOLDAMA_BINARY, arguments));
}

std::string quoted(std::filesystem::path const& p) {
  return fmt::format("'{}'", p.string());
}
std::string quote(std::string const& text) {
  return fmt::format("'{}'", text);
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
  auto const run = joldama("verify-audit --db " + quote(bureau.location));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with("ok " + std::to_string(events) + " events")) << run.output;
}

TEST_F(CliTest, VerifyAuditNamesTheTamperedEvent) {
  bureau.writer->stop();
  testing::tamper_with_audit(bureau.location, "UPDATE audit SET actor = 'mallory' WHERE seq = 4");
  auto const run = joldama("verify-audit --db " + quote(bureau.location));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("broken at event 4"), std::string::npos) << run.output;
}

TEST_F(CliTest, BackupMakesAVerifiableCopyWhileTheDatabaseIsOpen) {
  auto const copy = bureau.dir.file("backup.db");
  auto const run = joldama("backup --db " + quote(bureau.location) + " --to " + quoted(copy));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(std::filesystem::exists(copy));
  // A SQLite backup is itself a database; PostgreSQL's is pg_dump's, restored with pg_restore.
  std::string restored = copy.string();
  std::unique_ptr<testing::PostgresDatabase> restored_database;
  if (testing::on_postgres()) {
    restored_database = std::make_unique<testing::PostgresDatabase>();
    restored = restored_database->uri();
    auto const pg_restore = joldama_run(fmt::format(
        "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_restore --no-owner "
        "--dbname={} {}",
        quote(restored), quoted(copy)));
    ASSERT_EQ(pg_restore.exit_code, 0) << pg_restore.output;
  }
  auto const verified = joldama("verify-audit --db " + quote(restored));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit"),
            std::stoll(testing::scalar_text(*testing::open_database(restored),
                                            "SELECT count(*) FROM audit")));
  auto const again = joldama("backup --db " + quote(bureau.location) + " --to " + quoted(copy));
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

// A bureau the real server kept for a while: its database, audit key, public key and anchors,
// copied as an attacker (or a restore) would find them.
class AnchoredCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    served_ = new testing::TempDir;
    testing::ServeProcess server{served_->file("j.db"), {"--demo"}};
    ASSERT_NE(server.wait_for_port(), 0);
    ASSERT_EQ(server.stop(SIGTERM), 0);  // the chain's end is anchored at shutdown
  }
  static void TearDownTestSuite() {
    delete served_;
    served_ = nullptr;
  }
  // A copy of the served bureau named `name`.db, with its audit files beside it.
  std::filesystem::path copy(std::string const& name) {
    auto const db = dir.file(name + ".db");
    for (auto const* suffix : {"", ".audit-key", ".audit-key.pub", ".anchors"}) {
      std::filesystem::copy_file(served_->file(std::string{"j.db"} + suffix),
                                 dir.file(name + ".db" + suffix));
    }
    return db;
  }
  static void tamper(std::filesystem::path const& db_path, std::string const& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    auto const script = "DROP TRIGGER audit_is_append_only_update;"
                        "DROP TRIGGER audit_is_append_only_delete;" + sql;
    ASSERT_EQ(sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  static CliRun verify(std::filesystem::path const& db) {
    return joldama(fmt::format("verify-audit --db {} --anchors {} --public-key {}", quoted(db),
                               quoted(std::filesystem::path{db.string() + ".anchors"}),
                               quoted(std::filesystem::path{db.string() + ".audit-key.pub"})));
  }
  static std::int64_t events(std::filesystem::path const& db) {
    auto file = storage::SqliteDatabase::open(db, storage::SqliteDatabase::Access::ReadOnly);
    auto s = file->prepare("SELECT max(seq) FROM audit");
    EXPECT_TRUE(s->step().value());
    return s->int64(0);
  }
  static testing::TempDir* served_;
  testing::TempDir dir;
};
testing::TempDir* AnchoredCliTest::served_ = nullptr;

TEST_F(AnchoredCliTest, AnUntouchedBureauVerifiesWithItsKeyAndSignedAnchors) {
  auto const db = copy("untouched");
  auto const run = verify(db);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with(fmt::format("ok {} events; 1 anchors agree, their signatures "
                                                 "verified", events(db))))
      << run.output;
}

TEST_F(AnchoredCliTest, TheLast50EventsCutOffAreNamedAsATruncatedTail) {
  auto const db = copy("truncated");
  auto const last = events(db);
  tamper(db, fmt::format("DELETE FROM audit WHERE seq > {}", last - 50));
  auto const run = verify(db);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(fmt::format("broken at event {}: truncated", last - 49)),
            std::string::npos)
      << run.output;
  // Without the anchors, nothing would show.
  EXPECT_EQ(joldama("verify-audit --db " + quoted(db) + " --anchors /dev/null").exit_code, 0);
}

TEST_F(AnchoredCliTest, AnEditedEventIsNamedAsAltered) {
  auto const db = copy("altered");
  tamper(db, "UPDATE audit SET actor = 'mallory' WHERE seq = 40");
  auto const run = verify(db);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("broken at event 40: altered"), std::string::npos) << run.output;
}

TEST_F(AnchoredCliTest, AnEditedEventWithTheChainRecomputedIsNamedAsRecomputed) {
  auto const db = copy("recomputed");
  // The attacker edits event 40 and recomputes every hash after it with plain SHA-256, having
  // the database but not the key.
  std::vector<storage::AuditRecord> all;
  {
    auto file = storage::SqliteDatabase::open(db, storage::SqliteDatabase::Access::ReadOnly);
    auto rows = file->prepare(
        "SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash FROM audit "
        "WHERE seq >= 39 ORDER BY seq");
    while (rows->step().value()) {
      all.push_back({rows->int64(0), rows->int64(1), rows->text(2), rows->text(3), rows->text(4),
                     rows->optional_int64(5), rows->text(6), rows->text(7), rows->text(8)});
    }
  }
  std::string sql;
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto& r = all[i];
    if (r.seq == 40) r.actor = "mallory";
    r.prev_hash = all[i - 1].hash;
    r.hash = storage::audit_hash(r.prev_hash, r);
    sql += fmt::format("UPDATE audit SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
                       r.actor, r.prev_hash, r.hash, r.seq);
  }
  tamper(db, sql);
  auto const run = verify(db);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("broken at event 40: recomputed"), std::string::npos) << run.output;
}

TEST_F(AnchoredCliTest, AKeyRotationNeedsTheServerStoppedAndTheChainStillVerifies) {
  auto const db = copy("rotated");
  auto const before = events(db);
  {
    testing::ServeProcess running{db, {}};
    ASSERT_NE(running.wait_for_port(), 0);
    auto const refused = joldama("rotate-audit-key --db " + quoted(db));
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find("stop it first"), std::string::npos) << refused.output;
    EXPECT_EQ(running.stop(SIGTERM), 0);
  }
  auto const rotated = joldama("rotate-audit-key --db " + quoted(db));
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  auto const keys = storage::AuditKeys::load(db.string() + ".audit-key");
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->keys().size(), 2u);
  EXPECT_EQ(keys->keys()[1].from_seq, events(db) + 1);
  // The server goes on with the new key; the whole chain and every anchor verify.
  {
    testing::ServeProcess running{db, {}};
    ASSERT_NE(running.wait_for_port(), 0);
    HttpClient client{running.wait_for_port()};
    EXPECT_EQ(client.post("/api/v1/session", boost::json::object{{"login", "admin"},
                                                                 {"password", "joldama-demo"}})
                  .status,
              200);
    EXPECT_EQ(running.stop(SIGTERM), 0);
  }
  EXPECT_GT(events(db), before + 1);
  auto const run = verify(db);
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

}  // namespace
}  // namespace joldama
