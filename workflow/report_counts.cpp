#include "workflow/report_counts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace joldama {

namespace {

// Adds `by` to the counter of (region, profile) and to its sums over every region and every
// profile.
void count_everywhere(std::map<CounterKey, std::int64_t>& counts, std::string_view report,
                      std::string_view region, std::string_view profile, std::string bucket,
                      std::string series, std::int64_t by) {
  for (std::string_view r : {region, kAllOfThem}) {
    for (std::string_view p : {profile, kAllOfThem}) {
      counts[CounterKey{std::string{report}, std::string{r}, std::string{p}, bucket, series}] +=
          by;
    }
  }
}

// Adds `by` to the counter of the region and to the country's, by day and by month; the profile
// is not a dimension of these reports.
void count_by_day_and_month(std::map<CounterKey, std::int64_t>& counts, std::string_view by_day,
                            std::string_view by_month, std::string_view region, Date day,
                            std::string const& series) {
  for (std::string_view r : {region, kAllOfThem}) {
    counts[CounterKey{std::string{by_day}, std::string{r}, std::string{kAllOfThem},
                      format_date(day), series}] += 1;
    counts[CounterKey{std::string{by_month}, std::string{r}, std::string{kAllOfThem},
                      format_month(day), series}] += 1;
  }
}

std::string referral_series(Route route, State state) {
  return fmt::format("{}|{}", to_string(route), fate_of(state));
}

std::vector<CounterDelta> nonzero(std::map<CounterKey, std::int64_t> const& counts) {
  std::vector<CounterDelta> deltas;
  deltas.reserve(counts.size());
  for (auto const& [key, by] : counts) {
    if (by != 0) deltas.push_back(CounterDelta{key, by});
  }
  return deltas;
}

std::string_view detail_of(AuditEvent const& event, std::string_view name) {
  for (auto const& [key, value] : event.detail) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

std::string_view fate_of(State state) {
  return is_terminal(state) ? to_string(state) : std::string_view{"open"};
}

std::string format_month(Date day) {
  return format_date(day).substr(0, 7);
}

std::vector<CounterDelta> counts_for_registration(Referral const& referral) {
  std::map<CounterKey, std::int64_t> counts;
  count_everywhere(counts, counter::kReferrals, referral.patient_region, referral.profile,
                   format_month(local_date(referral.created_at)),
                   referral_series(referral.route, referral.state), 1);
  return nonzero(counts);
}

std::vector<CounterDelta> counts_for_transition(Referral const& before, Decision const& decision,
                                                WorkingCalendar const& calendar) {
  Referral const& after = decision.referral;
  Timestamp const at = decision.event.at;
  Date const today = local_date(at);
  std::map<CounterKey, std::int64_t> counts;

  if (fate_of(before.state) != fate_of(after.state) || before.route != after.route) {
    std::string const month = format_month(local_date(before.created_at));
    count_everywhere(counts, counter::kReferrals, before.patient_region, before.profile, month,
                     referral_series(before.route, before.state), -1);
    count_everywhere(counts, counter::kReferrals, after.patient_region, after.profile, month,
                     referral_series(after.route, after.state), 1);
  }

  if (decision.quota_key) {
    std::string_view series;
    switch (decision.quota_move) {
      case QuotaMove::Reserve: series = "reserved"; break;
      case QuotaMove::Release: series = "released"; break;
      case QuotaMove::Consume: series = "used"; break;
      case QuotaMove::None:
      case QuotaMove::JoinWaitlist:
      case QuotaMove::LeaveWaitlist: break;
    }
    if (!series.empty()) {
      QuotaKey const& key = *decision.quota_key;
      count_everywhere(counts, counter::kQuotaMoves, key.region, key.profile,
                       fmt::format("{}|{}", key.period, format_month(today)), std::string{series},
                       1);
    }
  }

  if (auto const code = detail_of(decision.event, "reason_code"); !code.empty()) {
    count_by_day_and_month(counts, counter::kReasonsByDay, counter::kReasonsByMonth,
                           after.patient_region, today,
                           fmt::format("{}|{}", to_string(decision.row->action), code));
  }

  if (before.state != after.state) {
    int const days = std::min(
        calendar.working_days_between(local_date(before.state_since), today),
        kLongestCountedStay);
    std::string const stage{to_string(before.state)};
    count_by_day_and_month(counts, counter::kStagesByDay, counter::kStagesByMonth,
                           before.patient_region, today, fmt::format("{}|{}", stage, days));
    if (before.deadline && at > *before.deadline) {
      count_by_day_and_month(counts, counter::kStagesByDay, counter::kStagesByMonth,
                             before.patient_region, today, stage + "|overdue");
    }
  }

  if (Referral const* waiter = waitlist_joined_or_left(before, after)) {
    count_everywhere(counts, counter::kWaiting, waiter->patient_region, waiter->profile,
                     format_date(local_date(*waiter->waitlisted_at)), "",
                     waiter == &after ? 1 : -1);
  }
  return nonzero(counts);
}

Referral const* waitlist_joined_or_left(Referral const& before, Referral const& after) {
  bool const was_waiting = before.state == State::Waitlisted && before.waitlisted_at;
  bool const is_waiting = after.state == State::Waitlisted && after.waitlisted_at;
  if (was_waiting == is_waiting) return nullptr;
  return was_waiting ? &before : &after;
}

std::vector<std::pair<std::string, std::string>> waitlists_counted_in(std::string_view region,
                                                                      std::string_view profile) {
  std::vector<std::pair<std::string, std::string>> lists;
  for (std::string_view r : {region, kAllOfThem}) {
    for (std::string_view p : {profile, kAllOfThem}) lists.emplace_back(r, p);
  }
  return lists;
}

WaitlistSummary summarize_waitlist(std::vector<CounterValue> const& joined_by_day) {
  std::vector<std::pair<Date, std::int64_t>> days;
  for (auto const& row : joined_by_day) {
    auto const day = parse_date(row.key.bucket);
    if (day && row.value > 0) days.emplace_back(*day, row.value);
  }
  WaitlistSummary summary;
  if (days.empty()) return summary;
  // The latest joiners wait the least: the median wait, by nearest rank, is that of the waiter
  // at rank ceil(n / 2) counted from the latest joined.
  std::sort(days.begin(), days.end(), [](auto const& a, auto const& b) { return a.first > b.first; });
  for (auto const& entry : days) summary.length += entry.second;
  std::int64_t const rank = (summary.length + 1) / 2;
  std::int64_t seen = 0;
  for (auto const& [day, count] : days) {
    seen += count;
    if (seen >= rank) {
      summary.median_joined = day;
      break;
    }
  }
  summary.earliest_joined = days.back().first;
  return summary;
}

std::optional<int> deadline_working_days(State state, DeadlinePolicy const& policy) {
  // The deadline a stage runs under is the one the rows that enter it set.
  for (auto const& row : transition_table()) {
    if (row.to != state) continue;
    switch (row.deadline) {
      case DeadlineRule::Commission:
      case DeadlineRule::Resume: return policy.commission_working_days;
      case DeadlineRule::Republican: return policy.republican_working_days;
      case DeadlineRule::HospitalAnswer: return policy.hospital_working_days;
      case DeadlineRule::BookingAnswer: return policy.booking_working_days;
      case DeadlineRule::Pause: return policy.info_reply_working_days;
      case DeadlineRule::Keep:
      case DeadlineRule::Clear:
      case DeadlineRule::PlannedDate: break;
    }
  }
  return std::nullopt;
}

}  // namespace joldama
