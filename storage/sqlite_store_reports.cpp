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
ON CONFLICT (report, region, profile, bucket, series) DO UPDATE SET value = value + excluded.value
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
    if (auto s = add->run(); !s) return s;
    if (by < 0) {
      auto forget = db_.prepare(kForgetZero);
      if (!forget) return forget.error();
      forget->bind(1, key.report)
          .bind(2, key.region)
          .bind(3, key.profile)
          .bind(4, key.bucket)
          .bind(5, key.series);
      if (auto s = forget->run(); !s) return s;
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

}  // namespace joldama::storage
