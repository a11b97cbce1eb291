// Quota atomicity on a real SQLite file: many threads approve different referrals against one
// quota of K units at once. Exactly K talons are issued, the rest wait in the right order, and
// a released unit goes to the first in line.

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "storage/writer.hpp"
#include "tests/support/test_bureau.hpp"
#include "workflow/quota.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::BureauOptions;
using joldama::testing::TestBureau;

struct Setup {
  std::size_t max_batch;
  bool second_writer;  // a second connection writing to the same file, as a second process would
};

class QuotaConcurrency : public ::testing::TestWithParam<Setup> {};

TEST_P(QuotaConcurrency, ExactlyKTalonsAndAnOrderedWaitlist) {
  constexpr int kUnits = 5;
  constexpr int kReferrals = 24;
  constexpr int kThreads = 6;
  BureauOptions options;
  options.writer.max_batch = GetParam().max_batch;
  TestBureau bureau{options};
  auto const key = bureau.key("ophthalmology");
  ASSERT_TRUE(bureau.set_quota(key, kUnits));

  std::vector<Referral> referrals;
  for (int i = 0; i < kReferrals; ++i) {
    // Every third one is urgent, so the waitlist's order is not just arrival order.
    auto r = bureau.referral_awaiting_republic("ophthalmology",
                                               i % 3 == 2 ? Urgency::Urgent : Urgency::Routine);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    referrals.push_back(*r);
  }

  std::unique_ptr<Writer> second;
  if (GetParam().second_writer) {
    // On PostgreSQL: what a second server's writer on the same database is.
    second = joldama::testing::start_writer(bureau.location, options.writer);
  }

  std::latch start{kThreads};
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Transactor& writer = (second && t % 2 == 1) ? static_cast<Transactor&>(*second)
                                                  : static_cast<Transactor&>(*bureau.writer);
      start.arrive_and_wait();
      for (int i = t; i < kReferrals; i += kThreads) {
        ActionCommand approve{
            referrals[static_cast<std::size_t>(i)].id, Action::Approve, std::nullopt, {}};
        approve.input.hospital_id = bureau.hospital_astana;
        auto const result = transact(
            writer, [&](Store& s) { return bureau.workflow.perform(s, bureau.republic, approve); });
        if (!result) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (second) second->stop();
  ASSERT_EQ(failures.load(), 0);

  EXPECT_EQ(*bureau.count("SELECT count(*) FROM referrals WHERE state = 'talon_issued'"), kUnits);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM referrals WHERE state = 'waitlisted'"),
            kReferrals - kUnits);
  EXPECT_EQ(*bureau.count("SELECT count(DISTINCT talon_number) FROM referrals "
                          "WHERE talon_number IS NOT NULL"),
            kUnits);
  auto const quota = bureau.quota(key);
  EXPECT_EQ(quota->reserved, kUnits);
  EXPECT_EQ(quota->available(), 0);

  // The waitlist is in order: urgent first, then by the time each joined it.
  std::vector<WaitlistEntry> expected;
  for (auto const& r : referrals) {
    auto const stored = bureau.get(r.id);
    if (stored->state == State::Waitlisted) {
      expected.push_back({stored->id, stored->urgency, *stored->waitlisted_at});
    }
  }
  std::sort(expected.begin(), expected.end(), waits_before);
  auto const waitlist = bureau.read([&](StoreReads& s) { return s.waitlist(key, 1000); });
  ASSERT_EQ(waitlist->size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*waitlist)[i], expected[i].referral_id);
    auto const position = bureau.read([&](StoreReads& s) { return s.queue_position((*waitlist)[i]); });
    EXPECT_EQ(*position, static_cast<int>(i) + 1);
  }

  // Releasing one unit promotes the first in line, and only it.
  Id holder = 0;
  for (auto const& r : referrals) {
    if (bureau.get(r.id)->state == State::TalonIssued) holder = r.id;
  }
  ActionInput reason;
  reason.reason = "The patient was treated elsewhere";
  ASSERT_TRUE(bureau.act(bureau.doctor, holder, Action::Cancel, reason));
  EXPECT_EQ(bureau.get(expected.front().referral_id)->state, State::TalonIssued);
  EXPECT_EQ(bureau.get(expected[1].referral_id)->state, State::Waitlisted);
  EXPECT_EQ(bureau.quota(key)->reserved, kUnits);
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM referrals WHERE quota_holding = 'reserved'"),
            kUnits);
}

INSTANTIATE_TEST_SUITE_P(Writers, QuotaConcurrency,
                         ::testing::Values(Setup{1, false}, Setup{8, false}, Setup{1, true}),
                         [](auto const& param_info) {
                           return std::string{param_info.param.second_writer ? "TwoConnections"
                                                                             : "OneWriter"} +
                                  "Batch" + std::to_string(param_info.param.max_batch);
                         });

}  // namespace
}  // namespace joldama::storage
