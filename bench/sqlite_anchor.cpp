#include "bench/sqlite_anchor.hpp"

#include <algorithm>
#include <vector>

#include "server/system_clock.hpp"
#include "storage/sqlite.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/lookup.hpp"
#include "workflow/services.hpp"

namespace joldama::bench {

Result<AnchorReport> run_sqlite_anchor(std::filesystem::path const& db_path,
                                       std::chrono::milliseconds duration,
                                       WorkingCalendar const& calendar,
                                       Icd10Catalogue const& icd10,
                                       DeadlinePolicy const& policy) {
  using Clock = std::chrono::steady_clock;
  auto db = storage::Database::open(db_path, storage::Database::Access::ReadWrite);
  if (!db) return db.error();
  storage::SqliteStore store{*db};
  server::SystemClock clock;
  Workflow workflow{clock, calendar, icd10, policy};
  Lookup lookup{clock};

  auto doctor = store.find_user_by_login("doctor");
  if (!doctor) return doctor.error();
  if (!*doctor) return make_error(Errc::NotFound, "the database has no demo doctor");
  auto const actor = (*doctor)->actor();
  ReferralFilter mine;
  mine.referring_organization_id = actor.organization_id;
  mine.limit = 1;
  auto listed = store.list_referrals(mine);
  if (!listed) return listed.error();
  if (listed->empty()) return make_error(Errc::NotFound, "the demo doctor has no patient");
  ReferralDraft const draft{listed->front()->referral.patient_iin,
                            "I25.1",
                            "cardiac_surgery",
                            Urgency::Routine,
                            CareForm::Inpatient,
                            "Benchmark: three-vessel disease"};

  std::vector<double> latencies_ms;
  auto const started = Clock::now();
  auto const until = started + duration;
  for (auto now = started; now < until; now = Clock::now()) {
    if (auto s = db->exec("BEGIN IMMEDIATE"); !s) return s.error();
    Status done = ok();
    auto referral = workflow.register_referral(store, actor, draft);
    if (!referral) done = referral.error();
    if (done) {
      auto view = lookup.referral(store, actor, referral->id);
      if (!view) done = view.error();
    }
    if (!done) {
      (void)db->exec("ROLLBACK");
      return done.error();
    }
    if (auto s = db->exec("COMMIT"); !s) return s.error();
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - now).count());
  }
  AnchorReport report;
  report.transactions = static_cast<std::int64_t>(latencies_ms.size());
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  report.per_second = static_cast<double>(report.transactions) / report.seconds;
  if (!latencies_ms.empty()) {
    auto const at =
        latencies_ms.begin() + static_cast<std::ptrdiff_t>(latencies_ms.size() * 99 / 100);
    std::nth_element(latencies_ms.begin(), at, latencies_ms.end());
    report.p99_ms = *at;
  }
  return report;
}

}  // namespace joldama::bench
