#include "bench/sqlite_anchor.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "bench/patient_pool.hpp"
#include "server/system_clock.hpp"
#include "storage/sqlite.hpp"
#include "storage/sqlite_store.hpp"
#include "workflow/lookup.hpp"
#include "workflow/services.hpp"

namespace joldama::bench {

namespace {
constexpr std::size_t kPoolSize = 2000;  // × 12 profiles: 24,000 transactions at most
constexpr unsigned kPoolSerial = 7000;   // apart from the server benchmark's pool

// Runs `command(i)` for i = 0, 1, … each in its own BEGIN IMMEDIATE … COMMIT, durable before
// the next begins, for `duration`; stops at the first failure.
Result<AnchorReport> timed_transactions(storage::Database& db, std::chrono::milliseconds duration,
                                        std::function<Status(std::size_t)> const& command) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> latencies_ms;
  auto const started = Clock::now();
  auto const until = started + duration;
  for (auto now = started; now < until; now = Clock::now()) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
    auto done = command(latencies_ms.size());
    if (!done) {
      (void)db.exec("ROLLBACK");
      return done.error();
    }
    if (auto s = db.exec("COMMIT"); !s) return s.error();
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

}  // namespace

Result<AnchorReport> run_sqlite_anchor(std::filesystem::path const& db_path,
                                       std::chrono::milliseconds duration,
                                       WorkingCalendar const& calendar,
                                       Icd10Catalogue const& icd10,
                                       DeadlinePolicy const& policy) {
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
  // Before the clock starts: patients enough for a referral of each profile per transaction.
  if (auto s = db->exec("BEGIN IMMEDIATE"); !s) return s.error();
  auto pool = register_patient_pool(store, workflow, actor, kPoolSize, kPoolSerial);
  if (!pool) {
    (void)db->exec("ROLLBACK");
    return pool.error();
  }
  if (auto s = db->exec("COMMIT"); !s) return s.error();
  auto const& cases = bench_cases();
  std::size_t next = 0;

  auto report = timed_transactions(*db, duration, [&](std::size_t) -> Status {
    if (next >= pool->size() * cases.size()) {
      return make_error(Errc::Internal, "the anchor ran out of patients; enlarge its pool");
    }
    auto const& kind = cases[next / pool->size()];
    ReferralDraft const draft{(*pool)[next % pool->size()], kind.icd10,          kind.profile,
                              Route::HighTech,              Urgency::Routine,    CareForm::Inpatient,
                              "Benchmark: three-vessel disease"};
    ++next;
    auto referral = workflow.register_referral(store, actor, draft);
    if (!referral) return referral.error();
    auto view = lookup.referral(store, actor, referral->id);
    if (!view) return view.error();
    return ok();
  });
  return report;
}

Result<AnchorReport> run_confirm_anchor(std::filesystem::path const& db_path,
                                        std::chrono::milliseconds duration,
                                        std::vector<Id> const& bookings,
                                        std::string const& hospital_login,
                                        WorkingCalendar const& calendar,
                                        Icd10Catalogue const& icd10,
                                        DeadlinePolicy const& policy) {
  auto db = storage::Database::open(db_path, storage::Database::Access::ReadWrite);
  if (!db) return db.error();
  storage::SqliteStore store{*db};
  server::SystemClock clock;
  Workflow workflow{clock, calendar, icd10, policy};
  Lookup lookup{clock};
  auto staff = store.find_user_by_login(hospital_login);
  if (!staff) return staff.error();
  if (!*staff) return make_error(Errc::NotFound, "the database has no such hospital staff");
  auto const actor = (*staff)->actor();
  // Before the clock starts: the bookings that still wait (the server confirmed some).
  std::vector<Id> waiting;
  for (Id id : bookings) {
    auto referral = store.find_referral(id);
    if (!referral) return referral.error();
    if (*referral && (*referral)->state == State::BookingRequested) waiting.push_back(id);
  }
  return timed_transactions(*db, duration, [&](std::size_t i) -> Status {
    if (i >= waiting.size()) {
      return make_error(Errc::Internal, "the anchor ran out of bookings; make more");
    }
    auto done = workflow.perform(store, actor,
                                 ActionCommand{waiting[i], Action::Confirm, 2, ActionInput{}});
    if (!done) return done.error();
    auto view = lookup.referral(store, actor, waiting[i]);
    if (!view) return view.error();
    return ok();
  });
}
}  // namespace joldama::bench
