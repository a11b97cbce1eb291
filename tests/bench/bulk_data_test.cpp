// The bulk generator of the benchmarks leaves what real use would: a bureau that verifies,
// quota counters equal to the referrals holding units, referrals at every kind of step.

#include "bench/bulk_data.hpp"

#include <gtest/gtest.h>

#include "server/security/crypto.hpp"
#include "storage/audit_chain.hpp"
#include "storage/read_pool.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::bench {
namespace {

TEST(BulkData, AGeneratedBureauIsWhatRealUseWouldLeave) {
  ASSERT_TRUE(server::init_crypto());
  testing::TempDir dir;
  auto const path = dir.file("bureau.db");
  auto writer = storage::Writer::start(path, storage::WriterOptions{256});
  ASSERT_TRUE(writer.has_value());
  auto reader = storage::ReadPool::open(path, 1);
  ASSERT_TRUE(reader.has_value());
  BulkOptions options;
  options.referrals = 600;
  options.days = 60;
  auto const now = testing::at("2026-11-20T12:00:00+05:00");
  auto const report = generate_bureau(**writer, **reader, now, testing::kazakhstan_calendar(),
                                       testing::icd10_catalogue(),
                                      DeadlinePolicy{}, options);
  reader->reset();
  (*writer)->stop();
  ASSERT_TRUE(report.has_value()) << report.error().message;

  EXPECT_EQ(report->referrals, 600);
  EXPECT_TRUE(report->failures.empty()) << report->failures.begin()->first;
  EXPECT_GE(report->by_state.size(), 6u) << "referrals at many kinds of step";
  EXPECT_GT(report->by_state.at(State::Completed), 0);

  auto db = storage::SqliteDatabase::open(path, storage::SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(testing::scalar_text(*db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(testing::scalar_text(*db, "SELECT count(*) FROM pragma_foreign_key_check"), "0");
  EXPECT_EQ(testing::scalar_text(*db, testing::kQuotasWhoseCountersDisagree), "0");
  // Every step happened before `now`.
  EXPECT_EQ(testing::scalar_text(*db, "SELECT count(*) FROM referrals WHERE updated_at > " +
                                          std::to_string(to_millis(now))),
            "0");
  auto const chain = storage::verify_audit(*db);
  ASSERT_TRUE(chain.has_value());
  EXPECT_TRUE(chain->ok) << chain->reason;
}

}  // namespace
}  // namespace joldama::bench
