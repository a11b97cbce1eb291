#pragma once
// What the reports count, kept up to date in the transaction of each change: a report reads a
// few summary rows, never every referral, so that it costs the same at a million referrals as
// at ten thousand. This file says which counters a change moves; storage only adds.
//
// A counter is named by its report, the patient's region and the referral's profile (or
// kAllOfThem for the sum over every region or profile, kept beside the others so that a
// country-wide figure is one row, not twenty), a bucket of time and a series. Where a report
// reads a range of days, each event is counted by day and by month: a range reads the months it
// covers whole and the days at its ends.

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/calendar.hpp"
#include "workflow/decide.hpp"
#include "workflow/model.hpp"

namespace joldama {

namespace counter {
// Referrals by the month of their registration ("YYYY-MM"), series "route|fate" (fate_of()).
inline constexpr std::string_view kReferrals = "referrals";
// Quota units by the month they moved in, bucket "PERIOD|YYYY-MM", series "reserved",
// "released" (given back unused) or "used" (the patient admitted).
inline constexpr std::string_view kQuotaMoves = "quota";
// Reasons given, series "action|code", by the day or month the reason was given.
inline constexpr std::string_view kReasonsByDay = "reasons_day";
inline constexpr std::string_view kReasonsByMonth = "reasons_month";
// Time spent in a state, by the day or month the referral left it: series "state|N" counts the
// stays of N working days, "state|overdue" those that ended after the step's deadline.
inline constexpr std::string_view kStagesByDay = "stages_day";
inline constexpr std::string_view kStagesByMonth = "stages_month";
// The waitlists as they stand: bucket the day a waiter joined ("YYYY-MM-DD"), series "".
// Each list is also kept summed up (SummedWaitlist, one row per list), so that the report reads
// one row per list whatever the days its waiters joined.
inline constexpr std::string_view kWaiting = "waiting";
}  // namespace counter

// The region or profile of a counter that sums all of them.
inline constexpr std::string_view kAllOfThem = "*";

// A stay longer than this is counted as this long.
inline constexpr int kLongestCountedStay = 999;

struct CounterKey {
  std::string report;
  std::string region;
  std::string profile;
  std::string bucket;
  std::string series;

  friend auto operator<=>(CounterKey const&, CounterKey const&) = default;
};

struct CounterDelta {
  CounterKey key;
  std::int64_t by = 0;
};

struct CounterValue {
  CounterKey key;
  std::int64_t value = 0;
};

// The counters of one report with buckets in [first_bucket, last_bucket]; of one region and
// one profile (kAllOfThem for the sum) when given, of every one (the sums too) when not.
struct CounterRange {
  std::string report;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::string first_bucket;
  std::string last_bucket;
};

// What became of a referral, as the monthly report counts it: "open" until it ends, then its
// final state ("completed", "rejected", "cancelled", "expired", "no_show").
std::string_view fate_of(State state);

// "YYYY-MM" of a day.
std::string format_month(Date day);

// The counters a new referral moves.
std::vector<CounterDelta> counts_for_registration(Referral const& referral);

// The counters a transition moves: `before` is the referral as it was, `decision` what decide()
// made of it (its referral as it is now, its quota movement, its event with the reason given).
// Deltas that name the same counter are added together; none is zero.
std::vector<CounterDelta> counts_for_transition(Referral const& before, Decision const& decision,
                                                WorkingCalendar const& calendar);

// Who joined or left a waitlist by a change from `before` to `after`: `before` if they left,
// `after` if they joined, none if neither.
Referral const* waitlist_joined_or_left(Referral const& before, Referral const& after);

// The waitlists a waiter of (region, profile) is counted in: its own and the sums over every
// region, every profile and both.
std::vector<std::pair<std::string, std::string>> waitlists_counted_in(std::string_view region,
                                                                      std::string_view profile);

// One waitlist summed up from its kWaiting rows (the day joined, how many joined that day). A
// wait is the days since joining, so these days do not move until someone joins or leaves.
struct WaitlistSummary {
  std::int64_t length = 0;
  std::optional<Date> earliest_joined;  // the longest waiter's day
  std::optional<Date> median_joined;    // the day of the waiter at the median wait, nearest rank

  friend bool operator==(WaitlistSummary const&, WaitlistSummary const&) = default;
};
WaitlistSummary summarize_waitlist(std::vector<CounterValue> const& joined_by_day);

// A waitlist of a region (or kAllOfThem, the sum over every region) and a profile (likewise),
// summed up; kept by storage as one row, written whenever someone joins or leaves.
struct SummedWaitlist {
  std::string region;
  std::string profile;
  WaitlistSummary summary;
};

// Which summed-up waitlists to read: of one region (kAllOfThem for the sums over every region)
// when given, else of each region but not their sums; profiles likewise.
struct WaitlistSelection {
  std::optional<std::string> region;
  std::optional<std::string> profile;
};

// How many working days a step may take, by the policy (none for a state without a deadline of
// working days).
std::optional<int> deadline_working_days(State state, DeadlinePolicy const& policy);

}  // namespace joldama
