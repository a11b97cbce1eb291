#include "workflow/quota.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tests/support/fake_clock.hpp"

namespace joldama {
namespace {

using testing::at;

int sum(std::vector<int> const& parts) {
  return std::accumulate(parts.begin(), parts.end(), 0);
}

TEST(Distribution, PartsSumToTheTotalAndStayWithinOneOfTheExactShare) {
  std::vector<std::int64_t> const populations{
      603000, 782000, 946000, 1549000, 709000,  693000, 1220000, 699000,  1131000, 829000,
      842000, 804000, 750000, 527000,  2140000, 221000, 707000,  1510000, 2310000, 1250000};
  auto const population = std::accumulate(populations.begin(), populations.end(), std::int64_t{0});
  for (int total : {0, 1, 7, 19, 20, 21, 999, 1000, 1001, 123457}) {
    auto const parts = distribute_largest_remainder(total, populations);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(sum(*parts), total);
    for (std::size_t i = 0; i < populations.size(); ++i) {
      double const exact = static_cast<double>(total) * static_cast<double>(populations[i]) /
                           static_cast<double>(population);
      EXPECT_GE((*parts)[i], static_cast<int>(exact)) << total << " region " << i;
      EXPECT_LE((*parts)[i], static_cast<int>(exact) + 1) << total << " region " << i;
    }
  }
}

TEST(Distribution, LargestRemaindersGetTheLeftoverUnits) {
  // 10 over 3:3:4 → exact 3, 3, 4; 11 → shares 3.3, 3.3, 4.4: the 0.4 wins the extra unit.
  std::vector<std::int64_t> const weights{3, 3, 4};
  EXPECT_EQ(distribute_largest_remainder(10, weights).value(), (std::vector<int>{3, 3, 4}));
  EXPECT_EQ(distribute_largest_remainder(11, weights).value(), (std::vector<int>{3, 3, 5}));
  // Equal remainders: the larger weight, then the earlier part.
  std::vector<std::int64_t> const equal{1, 1, 1};
  EXPECT_EQ(distribute_largest_remainder(2, equal).value(), (std::vector<int>{1, 1, 0}));
}

TEST(Distribution, RefusesImpossibleInputs) {
  std::vector<std::int64_t> const weights{1, 2};
  EXPECT_EQ(distribute_largest_remainder(-1, weights).error().field, "total");
  EXPECT_EQ(distribute_largest_remainder(kMaxAllocation + 1, weights).error().field, "total");
  EXPECT_FALSE(distribute_largest_remainder(5, std::vector<std::int64_t>{}).has_value());
  EXPECT_FALSE(distribute_largest_remainder(5, std::vector<std::int64_t>{0, 0}).has_value());
  EXPECT_FALSE(distribute_largest_remainder(5, std::vector<std::int64_t>{3, -1}).has_value());
}

TEST(Waitlist, UrgentFirstThenLongestWaiting) {
  std::vector<WaitlistEntry> entries{
      {1, Urgency::Routine, at("2026-03-01T09:00:00+05:00")},
      {2, Urgency::Urgent, at("2026-03-05T09:00:00+05:00")},
      {3, Urgency::Routine, at("2026-02-01T09:00:00+05:00")},
      {4, Urgency::Urgent, at("2026-03-02T09:00:00+05:00")},
      {5, Urgency::Routine, at("2026-02-01T09:00:00+05:00")},
  };
  std::sort(entries.begin(), entries.end(), waits_before);
  std::vector<Id> order;
  for (auto const& e : entries) order.push_back(e.referral_id);
  EXPECT_EQ(order, (std::vector<Id>{4, 2, 3, 5, 1}));
}

TEST(Waitlist, OrderIsStrictAndDecidedKeyByKey) {
  WaitlistEntry const a{1, Urgency::Routine, at("2026-03-01T09:00:00+05:00")};
  EXPECT_FALSE(waits_before(a, a));
  // Urgency outweighs any wait; the wait outweighs the referral's number.
  WaitlistEntry const later_urgent{9, Urgency::Urgent, at("2026-03-09T09:00:00+05:00")};
  EXPECT_TRUE(waits_before(later_urgent, a));
  EXPECT_FALSE(waits_before(a, later_urgent));
  WaitlistEntry const longer{7, Urgency::Routine, at("2026-02-01T09:00:00+05:00")};
  EXPECT_TRUE(waits_before(longer, a));
  WaitlistEntry const same_moment{2, Urgency::Routine, a.waitlisted_at};
  EXPECT_TRUE(waits_before(a, same_moment));
  EXPECT_FALSE(waits_before(same_moment, a));
  EXPECT_EQ(kWaitlistOrder.front(), WaitlistKey::UrgentFirst);
}

TEST(Waitlist, EarlierYearsDrawOnThisYearsQuotaOfTheSameRegionAndProfile) {
  QuotaKey const freed{2026, "75", "oncology"};
  EXPECT_TRUE(draws_on({2026, "75", "oncology"}, freed));
  EXPECT_TRUE(draws_on({2024, "75", "oncology"}, freed));
  EXPECT_FALSE(draws_on({2027, "75", "oncology"}, freed));
  EXPECT_FALSE(draws_on({2026, "71", "oncology"}, freed));
  EXPECT_FALSE(draws_on({2026, "75", "hematology"}, freed));
}

}  // namespace
}  // namespace joldama
