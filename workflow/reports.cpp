#include "workflow/reports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "workflow/access.hpp"
#include "workflow/report_counts.hpp"

namespace joldama {

namespace {

using namespace std::chrono;

Date first_of_month(Date day) {
  year_month_day const ymd{day};
  return sys_days{ymd.year() / ymd.month() / 1};
}

Date last_of_month(Date day) {
  year_month_day const ymd{day};
  return sys_days{ymd.year() / ymd.month() / last};
}

Date next_month(Date day) {
  year_month_day const ymd{first_of_month(day)};
  return sys_days{ymd + months{1}};
}

// The counters of `report` for (region, profile) over the ranges, added together by series.
Result<std::map<std::string, std::int64_t>> sum_by_series(
    StoreReads& store, std::string_view by_day, std::string_view by_month, std::string const& region,
    BucketRanges const& ranges) {
  std::map<std::string, std::int64_t> sums;
  auto add = [&](std::string_view report, std::pair<std::string, std::string> const& range)
      -> Status {
    auto rows = store.read_counters(CounterRange{std::string{report}, region,
                                                 std::string{kAllOfThem}, range.first,
                                                 range.second});
    if (!rows) return rows.error();
    for (auto const& row : *rows) sums[row.key.series] += row.value;
    return ok();
  };
  if (ranges.months) {
    if (auto s = add(by_month, *ranges.months); !s) return s.error();
  }
  for (auto const& days : ranges.days) {
    if (auto s = add(by_day, days); !s) return s.error();
  }
  return sums;
}

// "prefix|rest" split at the last bar.
std::pair<std::string_view, std::string_view> split_series(std::string_view series) {
  auto const bar = series.rfind('|');
  if (bar == std::string_view::npos) return {series, {}};
  return {series.substr(0, bar), series.substr(bar + 1)};
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string region_or_all(std::string const& region) {
  return region.empty() ? std::string{kAllOfThem} : region;
}

}  // namespace

std::optional<double> QuotaUseRow::share_used() const {
  if (allocated <= 0) return std::nullopt;
  return static_cast<double>(reserved + used) / static_cast<double>(allocated);
}

std::optional<double> StageRow::share_overdue() const {
  if (stays <= 0) return std::nullopt;
  return static_cast<double>(overdue) / static_cast<double>(stays);
}

std::optional<int> nearest_rank(std::vector<std::pair<int, std::int64_t>> const& histogram,
                                double rank_share) {
  std::int64_t total = 0;
  for (auto const& [value, count] : histogram) total += count;
  if (total <= 0) return std::nullopt;
  auto const rank = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(rank_share * static_cast<double>(total))));
  auto sorted = histogram;
  std::sort(sorted.begin(), sorted.end());
  std::int64_t seen = 0;
  for (auto const& [value, count] : sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted.back().first;
}

BucketRanges split_into_buckets(Date from, Date to) {
  BucketRanges ranges;
  if (to < from) return ranges;
  // Whole months: from the first month that starts on or after `from` to the last that ends on
  // or before `to`.
  Date const first_whole = from == first_of_month(from) ? from : next_month(from);
  Date const last_whole_end = to == last_of_month(to) ? to : first_of_month(to) - days{1};
  if (first_whole <= last_whole_end) {
    ranges.months = std::pair{format_month(first_whole), format_month(last_whole_end)};
    if (from < first_whole) {
      ranges.days.emplace_back(format_date(from), format_date(first_whole - days{1}));
    }
    if (last_whole_end < to) {
      ranges.days.emplace_back(format_date(last_whole_end + days{1}), format_date(to));
    }
  } else {
    ranges.days.emplace_back(format_date(from), format_date(to));
  }
  return ranges;
}

Status Reports::check(StoreReads& store, Actor const& actor, ReportFilter& filter) const {
  // A commission without a region is refused here: it sees nothing, never the country.
  if (auto s = require(actor, Capability::ReadReports); !s) return s.error();
  if (actor.role == Role::Commission) {
    if (!filter.region.empty() && filter.region != actor.region) {
      return make_error(Errc::Forbidden, "a commission reads the reports of its own region",
                        "region");
    }
    filter.region = actor.region;
  }
  if (!filter.region.empty()) {
    auto region = store.find_region(filter.region);
    if (!region) return region.error();
    if (!*region) return validation_error("region", "no region has this code");
  }
  if (!filter.profile.empty()) {
    auto profile = store.find_profile(filter.profile);
    if (!profile) return profile.error();
    if (!*profile) return validation_error("profile", "no care profile has this code");
  }
  Date const today = local_date(clock_.now());
  if (!filter.to) filter.to = today;
  if (!filter.from) filter.from = *filter.to - days{364};  // the year that ends with `to`
  if (*filter.to < *filter.from) {
    return validation_error("to", "the range ends before it begins");
  }
  if ((*filter.to - *filter.from).count() >= kMaxReportDays) {
    return validation_error("to", "a report covers at most five years");
  }
  if (!filter.period) filter.period = year_of(today);
  return ok();
}

Result<QuotaUseReport> Reports::quota_use(StoreReads& store, Actor const& actor,
                                          ReportFilter filter) const {
  if (auto s = check(store, actor, filter); !s) return s.error();
  QuotaUseReport report;
  report.period = *filter.period;
  report.region = filter.region;
  report.profile = filter.profile;
  auto quotas = store.list_quotas(QuotaFilter{filter.period, filter.region, filter.profile});
  if (!quotas) return quotas.error();
  report.total.region = std::string{kAllOfThem};
  report.total.profile = filter.profile.empty() ? std::string{kAllOfThem} : filter.profile;
  for (auto const& q : *quotas) {
    report.rows.push_back(QuotaUseRow{q.key.region, q.key.profile, q.allocated, q.reserved, q.used});
    report.total.allocated += q.allocated;
    report.total.reserved += q.reserved;
    report.total.used += q.used;
  }
  std::sort(report.rows.begin(), report.rows.end(), [](auto const& a, auto const& b) {
    return std::tie(a.region, a.profile) < std::tie(b.region, b.profile);
  });

  auto moves = store.read_counters(CounterRange{
      std::string{counter::kQuotaMoves}, region_or_all(filter.region),
      region_or_all(filter.profile), fmt::format("{}|", report.period),
      fmt::format("{}|~", report.period)});
  if (!moves) return moves.error();
  for (unsigned month = 1; month <= 12; ++month) {
    QuotaMonth m;
    m.month = fmt::format("{}-{:02}", report.period, month);
    report.trend.push_back(m);
  }
  for (auto const& row : *moves) {
    auto const [period, month] = split_series(row.key.bucket);
    auto const number = parse_int(month.substr(std::min<std::size_t>(month.size(), 5)));
    if (!number || *number < 1 || *number > 12) continue;
    auto& m = report.trend[static_cast<std::size_t>(*number - 1)];
    if (row.key.series == "reserved") m.reserved += row.value;
    if (row.key.series == "released") m.released += row.value;
    if (row.key.series == "used") m.used += row.value;
  }
  return report;
}

Result<WaitingReport> Reports::waiting(StoreReads& store, Actor const& actor,
                                       ReportFilter filter) const {
  if (auto s = check(store, actor, filter); !s) return s.error();
  WaitingReport report;
  report.as_of = local_date(clock_.now());
  report.region = filter.region;
  report.profile = filter.profile;
  // The lists the report shows (each region and profile of the filter, not their sums), then
  // the one total: the sum over what the filter leaves open.
  WaitlistSelection shown;
  if (!filter.region.empty()) shown.region = filter.region;
  if (!filter.profile.empty()) shown.profile = filter.profile;
  auto lists = store.read_waitlists(shown);
  if (!lists) return lists.error();
  std::string const total_region = region_or_all(filter.region);
  std::string const total_profile = region_or_all(filter.profile);
  auto total = store.read_waitlists(WaitlistSelection{total_region, total_profile});
  if (!total) return total.error();

  auto const row_of = [&report](std::string region, std::string profile,
                                WaitlistSummary const& summary) {
    auto const days_since = [&report](std::optional<Date> joined) -> std::optional<int> {
      if (!joined) return std::nullopt;
      return static_cast<int>(std::max<std::int64_t>(0, (report.as_of - *joined).count()));
    };
    return WaitingRow{std::move(region), std::move(profile), summary.length,
                      days_since(summary.median_joined), days_since(summary.earliest_joined)};
  };
  report.rows.reserve(lists->size());
  for (auto& list : *lists) {
    if (list.summary.length <= 0) continue;
    report.rows.push_back(row_of(std::move(list.region), std::move(list.profile), list.summary));
  }
  report.total = row_of(total_region, total_profile,
                        total->empty() ? WaitlistSummary{} : total->front().summary);
  return report;
}

Result<StageTimesReport> Reports::stage_times(StoreReads& store, Actor const& actor,
                                              ReportFilter filter) const {
  if (auto s = check(store, actor, filter); !s) return s.error();
  StageTimesReport report{*filter.from, *filter.to, filter.region, {}};
  auto sums = sum_by_series(store, counter::kStagesByDay, counter::kStagesByMonth,
                            region_or_all(filter.region),
                            split_into_buckets(*filter.from, *filter.to));
  if (!sums) return sums.error();
  std::map<State, std::vector<std::pair<int, std::int64_t>>> histograms;
  std::map<State, std::int64_t> overdue;
  for (auto const& [series, count] : *sums) {
    auto const [stage_text, value] = split_series(series);
    auto const stage = parse<State>(stage_text);
    if (!stage) continue;
    if (value == "overdue") {
      overdue[*stage] += count;
    } else if (auto const days_spent = parse_int(value)) {
      histograms[*stage].emplace_back(*days_spent, count);
    }
  }
  for (auto const& [stage, histogram] : histograms) {
    StageRow row;
    row.stage = stage;
    for (auto const& entry : histogram) row.stays += entry.second;
    row.median_working_days = nearest_rank(histogram, 0.5);
    row.p90_working_days = nearest_rank(histogram, 0.9);
    row.deadline_working_days = deadline_working_days(stage, policy_);
    row.overdue = overdue[stage];
    report.rows.push_back(row);
  }
  return report;
}

Result<ReasonsReport> Reports::reasons(StoreReads& store, Actor const& actor,
                                       ReportFilter filter) const {
  if (auto s = check(store, actor, filter); !s) return s.error();
  ReasonsReport report{*filter.from, *filter.to, filter.region, {}};
  auto sums = sum_by_series(store, counter::kReasonsByDay, counter::kReasonsByMonth,
                            region_or_all(filter.region),
                            split_into_buckets(*filter.from, *filter.to));
  if (!sums) return sums.error();
  for (auto const& [series, count] : *sums) {
    auto const [action_text, code] = split_series(series);
    auto const action = parse<Action>(action_text);
    if (!action || count <= 0) continue;
    report.rows.push_back(ReasonRow{*action, std::string{code}, count});
  }
  std::sort(report.rows.begin(), report.rows.end(), [](auto const& a, auto const& b) {
    if (a.action != b.action) return a.action < b.action;
    if (a.count != b.count) return a.count > b.count;
    return a.code < b.code;
  });
  return report;
}

Result<ReferralsReport> Reports::referrals(StoreReads& store, Actor const& actor,
                                           ReportFilter filter) const {
  if (auto s = check(store, actor, filter); !s) return s.error();
  ReferralsReport report{*filter.from, *filter.to, filter.region, filter.profile, {}};
  std::map<std::string, std::size_t> row_of;  // "YYYY-MM|route" -> its row
  for (Date month = first_of_month(*filter.from); month <= *filter.to; month = next_month(month)) {
    for (Route route : {Route::Planned, Route::HighTech}) {
      row_of[fmt::format("{}|{}", format_month(month), to_string(route))] = report.rows.size();
      MonthRow row;
      row.month = format_month(month);
      row.route = route;
      report.rows.push_back(row);
    }
  }
  auto counted = store.read_counters(CounterRange{
      std::string{counter::kReferrals}, region_or_all(filter.region),
      region_or_all(filter.profile), format_month(*filter.from), format_month(*filter.to)});
  if (!counted) return counted.error();
  for (auto const& c : *counted) {
    auto const [route, fate] = split_series(c.key.series);
    auto const found = row_of.find(fmt::format("{}|{}", c.key.bucket, route));
    if (found == row_of.end()) continue;
    MonthRow& row = report.rows[found->second];
    row.registered += c.value;
    if (fate == "open") row.open += c.value;
    if (fate == "completed") row.completed += c.value;
    if (fate == "rejected") row.rejected += c.value;
    if (fate == "cancelled") row.cancelled += c.value;
    if (fate == "expired") row.expired += c.value;
    if (fate == "no_show") row.no_show += c.value;
  }
  return report;
}

}  // namespace joldama
