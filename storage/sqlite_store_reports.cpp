// The reports' counters: added to in the transaction of each change, read by the reports.

#include <fmt/format.h>

#include "storage/row_mapping.hpp"
#include "storage/sqlite_store.hpp"

namespace joldama::storage {

using namespace rows;

namespace {

constexpr char const* kAddToCounter = R"sql(
INSERT INTO report_counters (report, region, profile, bucket, series, value)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (report, region, profile, bucket, series) DO UPDATE SET value = report_counters.value + excluded.value
)sql";
constexpr char const* kSaveWaitlist = R"sql(
INSERT INTO waitlist_summaries (region, profile, length, earliest_day, median_day)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (region, profile) DO UPDATE SET
  length = excluded.length, earliest_day = excluded.earliest_day, median_day = excluded.median_day
)sql";
constexpr char const* kForgetWaitlist = R"sql(
DELETE FROM waitlist_summaries WHERE region = ?1 AND profile = ?2
)sql";

constexpr char const* kForgetZero = R"sql(
DELETE FROM report_counters
WHERE report = ?1 AND region = ?2 AND profile = ?3 AND bucket = ?4 AND series = ?5 AND value = 0
)sql";

}  // namespace

Status SqliteStore::add_to_counters(std::vector<CounterDelta> const& deltas) {
  for (auto const& [key, by] : deltas) {
    auto add = db_.prepare(kAddToCounter);
    if (!add) return add.error();
    add->bind(1, key.report)
        .bind(2, key.region)
        .bind(3, key.profile)
        .bind(4, key.bucket)
        .bind(5, key.series)
        .bind(6, by);
    if (auto s = add->send(); !s) return s;
    if (by < 0) {
      auto forget = db_.prepare(kForgetZero);
      if (!forget) return forget.error();
      forget->bind(1, key.report)
          .bind(2, key.region)
          .bind(3, key.profile)
          .bind(4, key.bucket)
          .bind(5, key.series);
      if (auto s = forget->send(); !s) return s;
    }
  }
  return ok();
}

Result<std::vector<CounterValue>> SqliteStore::read_counters(CounterRange const& range) {
  std::string sql =
      "SELECT region, profile, bucket, series, value FROM report_counters "
      "WHERE report = ?1 AND bucket >= ?2 AND bucket <= ?3";
  if (range.region) sql += " AND region = ?4";
  if (range.profile) sql += " AND profile = ?5";
  sql += " ORDER BY region, profile, bucket, series";
  auto s = db_.prepare(sql);
  if (!s) return s.error();
  s->bind(1, range.report).bind(2, range.first_bucket).bind(3, range.last_bucket);
  if (range.region) s->bind(4, *range.region);
  if (range.profile) s->bind(5, *range.profile);
  return query_all<CounterValue>(*s, [&range](Statement const& row) -> Result<CounterValue> {
    return CounterValue{
        CounterKey{range.report, row.text(0), row.text(1), row.text(2), row.text(3)},
        row.int64(4)};
  });
}

Status SqliteStore::save_waitlist(SummedWaitlist const& waitlist) {
  auto const& summary = waitlist.summary;
  if (summary.length <= 0) {
    auto forget = db_.prepare(kForgetWaitlist);
    if (!forget) return forget.error();
    forget->bind(1, waitlist.region).bind(2, waitlist.profile);
    return forget->send();
  }
  if (!summary.earliest_joined || !summary.median_joined) {
    return make_error(Errc::Internal, "a waitlist with waiters has a longest and a median wait");
  }
  auto save = db_.prepare(kSaveWaitlist);
  if (!save) return save.error();
  save->bind(1, waitlist.region)
      .bind(2, waitlist.profile)
      .bind(3, summary.length)
      .bind(4, static_cast<std::int64_t>(summary.earliest_joined->time_since_epoch().count()))
      .bind(5, static_cast<std::int64_t>(summary.median_joined->time_since_epoch().count()));
  return save->send();
}

Result<std::vector<SummedWaitlist>> SqliteStore::read_waitlists(
    WaitlistSelection const& selection) {
  // Four shapes, each a statement of its own so that a given region or profile is a search of
  // the primary key; the sums are the rows of kAllOfThem.
  std::string sql =
      "SELECT region, profile, length, earliest_day, median_day FROM waitlist_summaries WHERE ";
  sql += selection.region ? "region = ?1" : "region <> ?1";
  sql += selection.profile ? " AND profile = ?2" : " AND profile <> ?2";
  sql += " ORDER BY region, profile";
  auto s = db_.prepare(sql);
  if (!s) return s.error();
  s->bind(1, selection.region.value_or(std::string{kAllOfThem}))
      .bind(2, selection.profile.value_or(std::string{kAllOfThem}));
  return query_all<SummedWaitlist>(*s, [](Statement const& row) -> Result<SummedWaitlist> {
    return SummedWaitlist{row.text(0), row.text(1),
                          WaitlistSummary{row.int64(2), Date{std::chrono::days{row.int64(3)}},
                                          Date{std::chrono::days{row.int64(4)}}}};
  });
}

}  // namespace joldama::storage
