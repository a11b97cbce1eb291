#include "storage/backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/audit_chain.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::TestBureau;

TEST(Backup, ACopyTakenWhileWritingIsConsistent) {
  TestBureau bureau;
  ASSERT_TRUE(bureau.set_quota(bureau.key(), 1000));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread traffic([&] {
    while (!stop) {
      if (bureau.referral_with_talon()) ++written;
    }
  });
  while (written < 5) std::this_thread::sleep_for(std::chrono::milliseconds{5});
  auto const copy = bureau.dir.file("copy.db");
  auto const report = backup_database(bureau.db_path, copy);
  stop = true;
  traffic.join();
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_GT(report->pages, 0);

  auto db = SqliteDatabase::open(copy, SqliteDatabase::Access::ReadOnly);
  ASSERT_TRUE(db.has_value());
  auto const chain = verify_audit(*db);
  ASSERT_TRUE(chain.has_value());
  EXPECT_TRUE(chain->ok);
  EXPECT_GT(chain->events, 0);
  // A snapshot of one moment: every talon in the copy has its unit counted.
  auto s = db->prepare(
      "SELECT (SELECT reserved FROM quotas), "
      "(SELECT count(*) FROM referrals WHERE quota_holding = 'reserved')");
  ASSERT_TRUE(s->step().value());
  EXPECT_EQ(s->int64(0), s->int64(1));
  EXPECT_FALSE(std::filesystem::exists(copy.string() + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(copy.string() + "-wal"));
}

TEST(Backup, RefusesToOverwriteOrToCopyNothing) {
  TestBureau bureau;
  auto const copy = bureau.dir.file("copy.db");
  ASSERT_TRUE(backup_database(bureau.db_path, copy).has_value());
  auto const again = backup_database(bureau.db_path, copy);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Errc::Duplicate);
  auto const missing = backup_database(bureau.dir.file("missing.db"), bureau.dir.file("x.db"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::NotFound);
}

}  // namespace
}  // namespace joldama::storage
