#include "bench/sqlite_anchor.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "bench/bench_bureau.hpp"
#include "bench/patient_pool.hpp"

namespace joldama::bench {

namespace {
constexpr std::size_t kPoolSize = 2000;  // × 12 profiles: 24,000 transactions at most
constexpr unsigned kPoolSerial = 7000;   // apart from the server benchmark's pool

// Runs `command(i)` for i = 0, 1, … each in its own transaction (BEGIN IMMEDIATE on SQLite, a
// plain BEGIN on PostgreSQL) … COMMIT, durable before the next begins, for `duration`; stops at
// the first failure.
Result<AnchorReport> timed_transactions(storage::Database& db, std::chrono::milliseconds duration,
                                        std::function<Status(std::size_t)> const& command) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> latencies_ms;
  auto const started = Clock::now();
  auto const until = started + duration;
  for (auto now = started; now < until; now = Clock::now()) {
    if (auto s = db.exec(db.dialect() == storage::Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
        !s) {
      return s.error();
    }
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

Result<AnchorReport> run_sqlite_anchor(std::string const& db_path,
                                       std::chrono::milliseconds duration,
                                       WorkingCalendar const& calendar,
                                       Icd10Catalogue const& icd10,
                                       DeadlinePolicy const& policy) {
  auto bureau = BenchBureau::open(db_path, calendar, icd10, policy);
  if (!bureau) return bureau.error();
  auto& b = **bureau;
  auto actor = b.actor("doctor");
  if (!actor) return actor.error();
  // Before the clock starts: patients enough for a referral of each profile per transaction.
  auto pool = b.in_transaction([&] {
    return register_patient_pool(b.store(), b.workflow(), *actor, kPoolSize, kPoolSerial);
  });
  if (!pool) return pool.error();
  auto const plan = referral_plan(*pool);
  return timed_transactions(b.db(), duration, [&](std::size_t i) -> Status {
    if (i >= plan.size()) {
      return make_error(Errc::Internal, "the anchor ran out of patients; enlarge its pool");
    }
    ReferralDraft const draft{*plan[i].iin,    plan[i].kind->icd10, plan[i].kind->profile,
                              Route::HighTech, Urgency::Routine,    CareForm::Inpatient,
                              "Benchmark: three-vessel disease"};
    auto referral = b.workflow().register_referral(b.store(), *actor, draft);
    if (!referral) return referral.error();
    auto view = b.lookup().referral(b.store(), *actor, referral->id);
    if (!view) return view.error();
    return ok();
  });
}

Result<AnchorReport> run_confirm_anchor(std::string const& db_path,
                                        std::chrono::milliseconds duration,
                                        std::vector<Id> const& bookings,
                                        std::string const& hospital_login,
                                        WorkingCalendar const& calendar,
                                        Icd10Catalogue const& icd10,
                                        DeadlinePolicy const& policy) {
  auto bureau = BenchBureau::open(db_path, calendar, icd10, policy);
  if (!bureau) return bureau.error();
  auto& b = **bureau;
  auto actor = b.actor(hospital_login);
  if (!actor) return actor.error();
  // Before the clock starts: the bookings that still wait (the server confirmed some).
  std::vector<Id> waiting;
  for (Id id : bookings) {
    auto referral = b.store().find_referral(id);
    if (!referral) return referral.error();
    if (*referral && (*referral)->state == State::BookingRequested) waiting.push_back(id);
  }
  return timed_transactions(b.db(), duration, [&](std::size_t i) -> Status {
    if (i >= waiting.size()) {
      return make_error(Errc::Internal, "the anchor ran out of bookings; make more");
    }
    auto done = b.workflow().perform(
        b.store(), *actor, ActionCommand{waiting[i], Action::Confirm, 2, ActionInput{}});
    if (!done) return done.error();
    auto view = b.lookup().referral(b.store(), *actor, waiting[i]);
    if (!view) return view.error();
    return ok();
  });
}

}  // namespace joldama::bench
