#pragma once
// The reports for those who plan the quotas: quota use, the waitlists, the time spent in each
// stage, the reasons given, the referrals per month. Each reads the counters kept with every
// change (workflow/report_counts.hpp) and the quotas, never the referrals one by one. The
// republican level and administrators see the country; a commission sees its region.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workflow/deadline_policy.hpp"
#include "workflow/model.hpp"
#include "workflow/ports.hpp"
#include "workflow/result.hpp"

namespace joldama {

// The longest range a report of days reads: five years.
inline constexpr int kMaxReportDays = 5 * 365 + 1;

// What a report is asked for; empty or absent means all of the reader's scope, or the default
// (the current year; the year to today).
struct ReportFilter {
  std::string region;
  std::string profile;
  std::optional<int> period;
  std::optional<Date> from;
  std::optional<Date> to;
};

struct QuotaUseRow {
  std::string region;  // kAllOfThem in the total
  std::string profile;
  std::int64_t allocated = 0;
  std::int64_t reserved = 0;
  std::int64_t used = 0;
  std::int64_t available() const { return allocated - reserved - used; }
  // Of the allocation, the part reserved or used; none without an allocation.
  std::optional<double> share_used() const;
};

struct QuotaMonth {
  std::string month;  // "YYYY-MM"
  std::int64_t reserved = 0;
  std::int64_t released = 0;
  std::int64_t used = 0;
};

struct QuotaUseReport {
  int period = 0;
  std::string region;  // empty: every region
  std::string profile;
  std::vector<QuotaUseRow> rows;  // by region, then profile
  QuotaUseRow total;
  std::vector<QuotaMonth> trend;  // the twelve months of the period
};

struct WaitingRow {
  std::string region;  // kAllOfThem in the total
  std::string profile;
  std::int64_t length = 0;
  std::optional<int> median_days;  // calendar days waited, nearest rank
  std::optional<int> longest_days;
};

struct WaitingReport {
  Date as_of{};
  std::string region;
  std::string profile;
  std::vector<WaitingRow> rows;  // by region, then profile: the lists with someone waiting
  WaitingRow total;
};

struct StageRow {
  State stage = State::Registered;
  std::int64_t stays = 0;  // referrals that left the stage in the range
  std::optional<int> median_working_days;
  std::optional<int> p90_working_days;
  std::optional<int> deadline_working_days;  // what the policy allows, if the stage has a limit
  std::int64_t overdue = 0;                  // stays that ended after their deadline
  std::optional<double> share_overdue() const;
};

struct StageTimesReport {
  Date from{};
  Date to{};
  std::string region;
  std::vector<StageRow> rows;  // in the workflow's order of states, the stages left in the range
};

struct ReasonRow {
  Action action = Action::Reject;
  std::string code;
  std::int64_t count = 0;
};

struct ReasonsReport {
  Date from{};
  Date to{};
  std::string region;
  std::vector<ReasonRow> rows;  // by action (reject, decline, refuse, cancel), then most given
};

struct MonthRow {
  std::string month;  // "YYYY-MM", of the registration
  Route route = Route::Planned;
  std::int64_t registered = 0;
  // Of them, by what became of them: the fates of fate_of() but "open", in this order.
  std::int64_t open = 0;
  std::int64_t completed = 0;
  std::int64_t rejected = 0;
  std::int64_t cancelled = 0;
  std::int64_t expired = 0;
  std::int64_t no_show = 0;
};

struct ReferralsReport {
  Date from{};
  Date to{};
  std::string region;
  std::string profile;
  std::vector<MonthRow> rows;  // every month of the range, planned then high-tech
};

// Value at `rank_share` (0 < share <= 1) of the sorted values a histogram counts (value ->
// how many), by nearest rank; none for an empty histogram.
std::optional<int> nearest_rank(std::vector<std::pair<int, std::int64_t>> const& histogram,
                                double rank_share);

// The ranges of counter buckets that make up the days [from, to]: the months it covers whole
// ("YYYY-MM" to "YYYY-MM"), and the days at its ends ("YYYY-MM-DD" to "YYYY-MM-DD").
struct BucketRanges {
  std::optional<std::pair<std::string, std::string>> months;
  std::vector<std::pair<std::string, std::string>> days;
};
BucketRanges split_into_buckets(Date from, Date to);

class Reports {
 public:
  // Keeps references: the clock and policy must outlive it.
  Reports(Clock const& clock, DeadlinePolicy const& policy) : clock_(clock), policy_(policy) {}

  // Each: Forbidden for roles other than republican, admin and commission; Forbidden naming
  // `region` when a commission asks for another region; Validation naming `region` or
  // `profile` for a code that does not exist, `to` for a range reversed or longer than five
  // years.
  Result<QuotaUseReport> quota_use(StoreReads& store, Actor const& actor, ReportFilter filter) const;
  Result<WaitingReport> waiting(StoreReads& store, Actor const& actor, ReportFilter filter) const;
  Result<StageTimesReport> stage_times(StoreReads& store, Actor const& actor,
                                       ReportFilter filter) const;
  Result<ReasonsReport> reasons(StoreReads& store, Actor const& actor, ReportFilter filter) const;
  Result<ReferralsReport> referrals(StoreReads& store, Actor const& actor, ReportFilter filter) const;

 private:
  // Checks the reader and the filter, narrows the region to the reader's scope, and fills the
  // default range.
  Status check(StoreReads& store, Actor const& actor, ReportFilter& filter) const;

  Clock const& clock_;
  DeadlinePolicy const& policy_;
};

}  // namespace joldama
