// The waitlist as storage executes it against the order and the eligibility the workflow
// declares (kWaitlistOrder, draws_on): across years, regions and urgencies, `waitlist` yields
// exactly the waiters that draw on a quota, in waits_before order, and `queue_position` agrees.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/test_bureau.hpp"
#include "workflow/quota.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::at;
using joldama::testing::BureauOptions;
using joldama::testing::TestBureau;

struct Waiter {
  QuotaKey waiting_for;
  WaitlistEntry entry;
};

TEST(Waitlist, StorageFollowsTheDeclaredOrderAcrossYearsAndRegions) {
  BureauOptions options;
  options.start = at("2025-12-29T10:00:00+05:00");  // a Monday, days before the new year
  TestBureau bureau{options};
  std::vector<Waiter> waiters;
  // With no units allocated, every approval by the republican level joins the waitlist.
  auto wait = [&](std::string const& region, Urgency urgency) {
    auto r = bureau.referral_awaiting_republic("ophthalmology", urgency, region);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ActionInput input;
    input.hospital_id = bureau.hospital_astana;
    auto approved = bureau.act(bureau.republic, r->id, Action::Approve, input);
    ASSERT_TRUE(approved.has_value()) << approved.error().message;
    ASSERT_EQ(approved->state, State::Waitlisted);
    waiters.push_back({*approved->quota, {approved->id, urgency, *approved->waitlisted_at}});
    bureau.clock.advance(std::chrono::minutes{7});
  };
  for (int i = 0; i < 3; ++i) wait("75", i == 1 ? Urgency::Urgent : Urgency::Routine);
  wait("71", Urgency::Routine);
  bureau.clock.set(at("2026-01-05T10:00:00+05:00"));
  for (int i = 0; i < 3; ++i) wait("75", i == 2 ? Urgency::Routine : Urgency::Urgent);
  wait("71", Urgency::Urgent);

  for (auto const& quota : {QuotaKey{2025, "75", "ophthalmology"},
                            QuotaKey{2026, "75", "ophthalmology"},
                            QuotaKey{2026, "71", "ophthalmology"},
                            QuotaKey{2026, "75", "cardiac_surgery"}}) {
    SCOPED_TRACE(describe(quota));
    std::vector<WaitlistEntry> expected;
    for (auto const& w : waiters) {
      if (draws_on(w.waiting_for, quota)) expected.push_back(w.entry);
    }
    std::sort(expected.begin(), expected.end(), waits_before);
    auto const listed = bureau.read([&](StoreReads& s) { return s.waitlist(quota, 100); });
    ASSERT_TRUE(listed.has_value()) << listed.error().message;
    std::vector<Id> expected_ids;
    for (auto const& e : expected) expected_ids.push_back(e.referral_id);
    EXPECT_EQ(*listed, expected_ids);
    auto const first_two = bureau.read([&](StoreReads& s) { return s.waitlist(quota, 2); });
    EXPECT_EQ(first_two->size(), std::min<std::size_t>(2, expected_ids.size()));
  }
  // The 2026 quota of Almaty: urgent waiters of both years first, then the routine ones by
  // how long they waited, so last year's routine waiters come before this year's.
  ASSERT_EQ(waiters.size(), 8U);
  auto const id = [&](std::size_t i) { return waiters[i].entry.referral_id; };
  EXPECT_EQ(*bureau.read([&](StoreReads& s) { return s.waitlist({2026, "75", "ophthalmology"}, 100); }),
            (std::vector<Id>{id(1), id(4), id(5), id(0), id(2), id(6)}));

  // A patient's place counts the waiters of the region and profile ahead in the same order.
  std::vector<std::vector<WaitlistEntry>> by_region(2);
  for (auto const& w : waiters) by_region[w.waiting_for.region == "75" ? 0 : 1].push_back(w.entry);
  for (auto& line : by_region) {
    std::sort(line.begin(), line.end(), waits_before);
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto const position =
          bureau.read([&](StoreReads& s) { return s.queue_position(line[i].referral_id); });
      ASSERT_TRUE(position.has_value());
      EXPECT_EQ(*position, std::optional<int>{static_cast<int>(i) + 1});
    }
  }
  // No place for a referral that does not wait.
  auto const holder = bureau.referral_awaiting_republic("ophthalmology");
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(*bureau.read([&](StoreReads& s) { return s.queue_position(holder->id); }), std::nullopt);

  // A unit of 2026 goes to the first in that order.
  ASSERT_TRUE(bureau.set_quota({2026, "75", "ophthalmology"}, 1));
  EXPECT_EQ(bureau.get(id(1))->state, State::TalonIssued);
  EXPECT_EQ(bureau.get(id(4))->state, State::Waitlisted);
}

}  // namespace
}  // namespace joldama::storage
