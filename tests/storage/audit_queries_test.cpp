#include "storage/audit_queries.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite_store.hpp"
#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::TestBureau;
using namespace audit_queries;

// What SQLite plans for `sql`, one step per line.
std::string plan_of(Database& db, std::string const& sql) {
  auto s = db.prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  std::string plan;
  while (s->step().value()) plan += s->text(3) + "\n";
  return plan;
}

TEST(AuditQueries, EachStatementIsAnsweredByItsIndexNotByAScanOfTheLog) {
  TestBureau bureau;
  auto db = SqliteDatabase::open(bureau.db_path, SqliteDatabase::Access::ReadOnly);
  ASSERT_TRUE(db.has_value());
  // The partition expression must match the index's to the letter, or every read of a
  // referral's audit would scan the whole log.
  auto const reads = plan_of(*db, kReferralReadsInPartitionBefore);
  EXPECT_NE(reads.find("USING INDEX audit_reads"), std::string::npos) << reads;
  EXPECT_EQ(reads.find("TEMP B-TREE"), std::string::npos) << reads;  // already newest first
  auto const others = plan_of(*db, kReferralEventsBefore);
  EXPECT_NE(others.find("USING COVERING INDEX audit_history"), std::string::npos) << others;
  EXPECT_EQ(others.find("TEMP B-TREE"), std::string::npos) << others;
  auto const first = plan_of(*db, kReferralFirstEvent);
  EXPECT_NE(first.find("audit_history"), std::string::npos) << first;
  for (auto const& plan :
       {reads, others, first, plan_of(*db, kLastEvent), plan_of(*db, kEventBySeq)}) {
    EXPECT_EQ(plan.find("SCAN audit"), std::string::npos) << plan;
  }
}

// A referral's audit view (SqliteStore::list_audit with a referral) over events spread across
// several partitions: reads and other events of two referrals, and events of no referral.
class ReferralAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = bureau.add_referral();
    auto b = bureau.add_referral();
    ASSERT_TRUE(a.has_value() && b.has_value());
    first = a->id;
    second = b->id;
  }

  void read(Id referral_id, std::string const& action = "read_referral") {
    auto appended = bureau.write([&](Store& s) {
      return s.append_audit(
          AuditEvent{bureau.clock.now(), "republic", Role::Republican, action, referral_id, {}});
    });
    ASSERT_TRUE(appended.has_value()) << appended.error().message;
  }

  // The next event appended lands at the start of `partition`: an event of no referral is put
  // just before it, straight into the file (the chain is not what this test is about).
  void skip_to_partition(std::int64_t partition) {
    auto db = joldama::testing::open_database(bureau.location);
    std::string const hash(64, '0');
    auto const inserted = db->exec(fmt::format(
        "INSERT INTO audit (seq, at, actor, role, action, referral_id, detail, prev_hash, hash) "
        "VALUES ({}, 0, 'system', 'system', 'filler', NULL, '{{}}', '{}', '{}')",
        partition * kReadPartitionEvents - 1, hash, hash));
    ASSERT_TRUE(inserted.has_value()) << inserted.error().message;
  }

  // What the view shows, by sequence number.
  std::vector<std::int64_t> shown(Id referral_id, std::optional<std::int64_t> before,
                                  std::size_t limit) {
    auto events = bureau.read([&](StoreReads& s) {
      return s.list_audit(AuditFilter{referral_id, before, limit});
    });
    std::vector<std::int64_t> seqs;
    EXPECT_TRUE(events.has_value()) << events.error().message;
    if (!events) return seqs;
    for (auto const& e : *events) {
      EXPECT_EQ(e.event.referral_id, referral_id);
      seqs.push_back(e.seq);
    }
    return seqs;
  }

  // How many partitions the view of a referral looks in: the runs of the query of its reads in
  // a partition, on a connection of this test's own.
  int partitions_looked_in(Id referral_id) {
    auto db = SqliteDatabase::open(bureau.db_path, SqliteDatabase::Access::ReadOnly);
    EXPECT_TRUE(db.has_value());
    if (!db) return -1;
    int runs = 0;
    sqlite3_trace_v2(
        db->handle(), SQLITE_TRACE_STMT,
        [](unsigned, void* context, void*, void* sql) {
          if (std::string_view{static_cast<char const*>(sql)} == kReferralReadsInPartitionBefore)
            ++*static_cast<int*>(context);
          return 0;
        },
        &runs);
    SqliteStore store{*db};
    auto const events = store.list_audit(AuditFilter{referral_id, std::nullopt, 100});
    EXPECT_TRUE(events.has_value()) << events.error().message;
    return runs;
  }

  // Every event of the referral, newest first, found by reading the whole log.
  std::vector<std::int64_t> every_event_of(Id referral_id) {
    std::vector<std::int64_t> seqs;
    auto db = SqliteDatabase::open(bureau.db_path, SqliteDatabase::Access::ReadOnly);
    EXPECT_TRUE(db.has_value());
    auto s =
        db->prepare("SELECT seq FROM audit NOT INDEXED WHERE referral_id = ?1 ORDER BY seq DESC");
    s->bind(1, referral_id);
    while (s->step().value()) seqs.push_back(s->int64(0));
    return seqs;
  }

  // Reads and other events of both referrals in partitions 0, 2 and 5; none in 1, 3 and 4.
  void spread_events() {
    read(first);
    read(second);
    skip_to_partition(2);
    read(first);
    read(second, "read_attachment");
    read(first, "read_attachment");
    ASSERT_TRUE(bureau.act(bureau.doctor, first, Action::Submit).has_value());
    read(first);
    skip_to_partition(5);
    read(first);
    read(second);
  }

  TestBureau bureau;
  Id first = 0;
  Id second = 0;
};

TEST_F(ReferralAuditTest, ShowsEveryEventOfTheReferralNewestFirstWhicheverPartitionItIsIn) {
  spread_events();
  auto const expected = every_event_of(first);
  ASSERT_GE(expected.size(), 7u);  // registered, submitted, five reads
  EXPECT_GE(expected.front(), 5 * kReadPartitionEvents);
  EXPECT_EQ(shown(first, std::nullopt, 100), expected);
  EXPECT_EQ(shown(second, std::nullopt, 100), every_event_of(second));
}

TEST_F(ReferralAuditTest, PagesBackwardsWithoutLosingOrRepeatingAnEvent) {
  spread_events();
  auto const expected = every_event_of(first);
  for (std::size_t limit : {1u, 2u, 3u}) {
    std::vector<std::int64_t> paged;
    std::optional<std::int64_t> before;
    for (;;) {
      auto const page = shown(first, before, limit);
      ASSERT_LE(page.size(), limit);
      if (page.empty()) break;
      paged.insert(paged.end(), page.begin(), page.end());
      before = page.back();
    }
    EXPECT_EQ(paged, expected) << "limit " << limit;
  }
}

TEST_F(ReferralAuditTest, AReferralNeverReadShowsItsOtherEventsAlone) {
  skip_to_partition(3);
  ASSERT_TRUE(bureau.act(bureau.doctor, first, Action::Submit).has_value());
  auto const expected = every_event_of(first);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(shown(first, std::nullopt, 100), expected);
  EXPECT_EQ(shown(first, std::int64_t{1}, 100), std::vector<std::int64_t>{});
}

TEST_F(ReferralAuditTest, AReferralNeverRegisteredShowsNothing) {
  spread_events();
  Id const unknown = second + 1000;
  ASSERT_TRUE(every_event_of(unknown).empty());
  EXPECT_EQ(shown(unknown, std::nullopt, 100), std::vector<std::int64_t>{});
  EXPECT_EQ(shown(unknown, 6 * kReadPartitionEvents, 100), std::vector<std::int64_t>{});
  EXPECT_EQ(partitions_looked_in(unknown), 0);
  // Whereas a registered referral's view looks in each partition down to its registration's.
  EXPECT_EQ(partitions_looked_in(first), 6);
}

}  // namespace
}  // namespace joldama::storage
