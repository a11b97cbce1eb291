// Which counters each change moves (workflow/report_counts.hpp), and the arithmetic the reports
// do over them (workflow/reports.hpp): plain values, no storage.

#include "workflow/report_counts.hpp"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/test_bureau.hpp"
#include "workflow/reports.hpp"
#include "workflow/transition_table.hpp"

namespace joldama {
namespace {

using testing::at;
using testing::day;

// The deltas as "report region profile bucket series" -> by.
std::map<std::string, std::int64_t> by_name(std::vector<CounterDelta> const& deltas) {
  std::map<std::string, std::int64_t> named;
  for (auto const& [key, by] : deltas) {
    named[key.report + " " + key.region + " " + key.profile + " " + key.bucket + " " +
          key.series] += by;
  }
  return named;
}

Referral a_referral() {
  Referral r;
  r.id = 7;
  r.route = Route::HighTech;
  r.patient_region = "75";
  r.profile = "oncology";
  r.state = State::Registered;
  r.created_at = at("2026-03-31T21:00:00+05:00");
  r.state_since = r.created_at;
  return r;
}

Transition const* row_of(Action action, State from) {
  for (auto const& row : transition_table()) {
    if (row.action == action && row.from.contains(from)) return &row;
  }
  return nullptr;
}

TEST(ReportCounts, ARegistrationIsCountedOpenInItsMonthForItsRegionProfileAndTheSums) {
  auto const named = by_name(counts_for_registration(a_referral()));
  EXPECT_EQ(named, (std::map<std::string, std::int64_t>{
                       {"referrals 75 oncology 2026-03 high_tech|open", 1},
                       {"referrals 75 * 2026-03 high_tech|open", 1},
                       {"referrals * oncology 2026-03 high_tech|open", 1},
                       {"referrals * * 2026-03 high_tech|open", 1}}));
}

TEST(ReportCounts, ARejectionMovesTheFateCountsTheReasonAndTheStageItLeft) {
  Referral before = a_referral();
  before.state = State::CommissionReview;
  before.state_since = at("2026-04-01T09:00:00+05:00");  // a Wednesday
  before.deadline = at("2026-04-03T18:00:00+05:00");
  Decision decision;
  decision.row = row_of(Action::Reject, State::CommissionReview);
  ASSERT_NE(decision.row, nullptr);
  decision.referral = before;
  decision.referral.state = State::Rejected;
  decision.event.at = at("2026-04-06T10:00:00+05:00");  // Monday: 3 working days, overdue
  decision.event.detail = {{"reason_code", "duplicate"}};
  auto const named =
      by_name(counts_for_transition(before, decision, testing::kazakhstan_calendar()));
  EXPECT_EQ(named.at("referrals 75 oncology 2026-03 high_tech|open"), -1);
  EXPECT_EQ(named.at("referrals * * 2026-03 high_tech|rejected"), 1);
  EXPECT_EQ(named.at("reasons_day 75 * 2026-04-06 reject|duplicate"), 1);
  EXPECT_EQ(named.at("reasons_month * * 2026-04 reject|duplicate"), 1);
  EXPECT_EQ(named.at("stages_day 75 * 2026-04-06 commission_review|3"), 1);
  EXPECT_EQ(named.at("stages_month * * 2026-04 commission_review|3"), 1);
  EXPECT_EQ(named.at("stages_month 75 * 2026-04 commission_review|overdue"), 1);
  for (auto const& [name, by] : named) EXPECT_NE(by, 0) << name;
}

TEST(ReportCounts, AStepThatKeepsTheStateCountsNoStayAndOnTimeIsNotOverdue) {
  Referral before = a_referral();
  before.state = State::InPersonScheduled;
  before.deadline = at("2026-04-30T18:00:00+05:00");
  Decision decision;
  decision.row = row_of(Action::RescheduleExam, State::InPersonScheduled);
  ASSERT_NE(decision.row, nullptr);
  decision.referral = before;
  decision.event.at = at("2026-04-06T10:00:00+05:00");
  EXPECT_TRUE(counts_for_transition(before, decision, testing::kazakhstan_calendar()).empty());

  decision.row = row_of(Action::Approve, State::InPersonScheduled);
  decision.referral.state = State::RepublicanReview;
  auto const named =
      by_name(counts_for_transition(before, decision, testing::kazakhstan_calendar()));
  for (auto const& [name, by] : named) {
    EXPECT_EQ(name.find("overdue"), std::string::npos) << name;
  }
  EXPECT_FALSE(named.contains("referrals 75 oncology 2026-03 high_tech|open"))
      << "still open: the monthly report is unchanged";
}

TEST(ReportCounts, TheWaitlistCountsAWaiterByTheDayTheyJoinedUntilTheyLeave) {
  Referral before = a_referral();
  before.state = State::RepublicanReview;
  Decision joins;
  joins.row = row_of(Action::Approve, State::RepublicanReview);
  joins.referral = before;
  joins.referral.state = State::Waitlisted;
  joins.referral.waitlisted_at = at("2026-04-02T11:00:00+05:00");
  joins.event.at = *joins.referral.waitlisted_at;
  joins.quota_move = QuotaMove::JoinWaitlist;
  joins.quota_key = QuotaKey{2026, "75", "oncology"};
  auto const joined = by_name(counts_for_transition(before, joins, testing::kazakhstan_calendar()));
  EXPECT_EQ(joined.at("waiting 75 oncology 2026-04-02 "), 1);
  EXPECT_EQ(joined.at("waiting * * 2026-04-02 "), 1);

  Decision promoted;
  promoted.row = row_of(Action::Promote, State::Waitlisted);
  ASSERT_NE(promoted.row, nullptr);
  promoted.referral = joins.referral;
  promoted.referral.state = State::TalonIssued;
  promoted.event.at = at("2026-05-04T11:00:00+05:00");
  promoted.quota_move = QuotaMove::Reserve;
  promoted.quota_key = QuotaKey{2026, "75", "oncology"};
  auto const left =
      by_name(counts_for_transition(joins.referral, promoted, testing::kazakhstan_calendar()));
  EXPECT_EQ(left.at("waiting 75 oncology 2026-04-02 "), -1);
  EXPECT_EQ(left.at("quota 75 oncology 2026|2026-05 reserved"), 1);
  EXPECT_EQ(left.at("quota * * 2026|2026-05 reserved"), 1);
}

TEST(ReportCounts, AWaitlistSummedUpHasItsLengthItsLongestWaiterAndItsMedianByNearestRank) {
  auto const joined = [](std::string const& day_joined, std::int64_t count) {
    return CounterValue{{"waiting", "75", "oncology", day_joined, ""}, count};
  };
  EXPECT_EQ(summarize_waitlist({}).length, 0);
  EXPECT_EQ(summarize_waitlist({}).median_joined, std::nullopt);
  EXPECT_EQ(summarize_waitlist({joined("2026-03-01", 0)}).length, 0) << "an emptied day";

  // Unsorted, as rows may come: the summary's median wait is nearest_rank over the waits.
  std::vector<CounterValue> const rows{joined("2026-02-10", 1), joined("2026-03-01", 2),
                                       joined("2026-01-05", 3), joined("2026-02-27", 1),
                                       joined("not a day", 4)};
  Date const today = day("2026-03-02");
  std::vector<std::pair<int, std::int64_t>> waits;
  for (auto const& row : rows) {
    if (auto const d = parse_date(row.key.bucket)) {
      waits.emplace_back(static_cast<int>((today - *d).count()), row.value);
    }
  }
  auto const summary = summarize_waitlist(rows);
  EXPECT_EQ(summary.length, 7);
  EXPECT_EQ(summary.earliest_joined, day("2026-01-05"));
  ASSERT_TRUE(summary.median_joined.has_value());
  EXPECT_EQ((today - *summary.median_joined).count(), *nearest_rank(waits, 0.5));
  EXPECT_EQ(summary.median_joined, day("2026-02-10")) << "the 4th of 7 from the latest joined";
  std::vector<CounterValue> const one_more{joined("2026-03-02", 1), joined("2026-02-27", 0)};
  waits.emplace_back(0, 1);
  auto rows_and_one = rows;
  rows_and_one.insert(rows_and_one.end(), one_more.begin(), one_more.end());
  EXPECT_EQ((today - *summarize_waitlist(rows_and_one).median_joined).count(),
            *nearest_rank(waits, 0.5))
      << "an even number waiting";
}

TEST(ReportCounts, AWaiterIsCountedInTheirListAndInTheSumsOverRegionsAndProfiles) {
  EXPECT_EQ(waitlists_counted_in("75", "oncology"),
            (std::vector<std::pair<std::string, std::string>>{
                {"75", "oncology"}, {"75", "*"}, {"*", "oncology"}, {"*", "*"}}));
}

TEST(Reports, NearestRankGivesTheMedianAndTheNinetiethPercentile) {
  EXPECT_EQ(nearest_rank({}, 0.5), std::nullopt);
  EXPECT_EQ(nearest_rank({{4, 1}}, 0.5), 4);
  // 1 1 2 3 3 3 5 8 9 10 (the histogram need not be sorted)
  std::vector<std::pair<int, std::int64_t>> const days{{3, 3}, {1, 2}, {2, 1}, {10, 1},
                                                       {5, 1}, {9, 1}, {8, 1}};
  EXPECT_EQ(nearest_rank(days, 0.5), 3);  // the 5th of 10
  EXPECT_EQ(nearest_rank(days, 0.9), 9);  // the 9th
  EXPECT_EQ(nearest_rank(days, 1.0), 10);
}

TEST(Reports, ARangeIsReadAsTheMonthsItCoversWholeAndTheDaysAtItsEnds) {
  auto const whole = split_into_buckets(day("2026-01-01"), day("2026-12-31"));
  ASSERT_TRUE(whole.months);
  EXPECT_EQ(*whole.months, (std::pair<std::string, std::string>{"2026-01", "2026-12"}));
  EXPECT_TRUE(whole.days.empty());

  auto const ragged = split_into_buckets(day("2025-12-04"), day("2026-12-03"));
  ASSERT_TRUE(ragged.months);
  EXPECT_EQ(*ragged.months, (std::pair<std::string, std::string>{"2026-01", "2026-11"}));
  EXPECT_EQ(ragged.days, (std::vector<std::pair<std::string, std::string>>{
                             {"2025-12-04", "2025-12-31"}, {"2026-12-01", "2026-12-03"}}));

  auto const within = split_into_buckets(day("2026-02-10"), day("2026-02-20"));
  EXPECT_FALSE(within.months);
  EXPECT_EQ(within.days, (std::vector<std::pair<std::string, std::string>>{
                             {"2026-02-10", "2026-02-20"}}));

  auto const one_day = split_into_buckets(day("2026-02-28"), day("2026-02-28"));
  EXPECT_FALSE(one_day.months);
  ASSERT_EQ(one_day.days.size(), 1u);

  auto const february = split_into_buckets(day("2026-01-31"), day("2026-03-01"));
  ASSERT_TRUE(february.months);
  EXPECT_EQ(*february.months, (std::pair<std::string, std::string>{"2026-02", "2026-02"}));
  EXPECT_EQ(february.days.size(), 2u);
}

TEST(Reports, EveryStageWithADeadlineOfWorkingDaysIsTheOneItsRowsSet) {
  DeadlinePolicy const policy;
  EXPECT_EQ(deadline_working_days(State::CommissionReview, policy), 10);
  EXPECT_EQ(deadline_working_days(State::RepublicanReview, policy), 5);
  EXPECT_EQ(deadline_working_days(State::TalonIssued, policy), 3);
  EXPECT_EQ(deadline_working_days(State::BookingRequested, policy), 1);
  EXPECT_EQ(deadline_working_days(State::InfoRequested, policy), 10);
  EXPECT_EQ(deadline_working_days(State::Registered, policy), std::nullopt);
  EXPECT_EQ(deadline_working_days(State::Completed, policy), std::nullopt);
}

}  // namespace
}  // namespace joldama
