#pragma once
// A whole bureau on a temporary SQLite file (or, with JOLDAMA_TEST_ENGINE=postgres, a fresh
// database of the test cluster; with JOLDAMA_TEST_ENGINE=memory, the in-memory fake of the
// ports: tests/support/test_engine.hpp): the real writer, read pool (or the fake) and workflow, five organizations, an actor for every role, and helpers that drive referrals
// through the table.

#include <memory>
#include <string>

#include "storage/read_pool.hpp"
#include "storage/writer.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/memory_store.hpp"
#include "tests/support/test_engine.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflow/calendar.hpp"
#include "workflow/icd10.hpp"
#include "workflow/ports.hpp"
#include "workflow/services.hpp"

namespace joldama::testing {

// The calendar shipped in the repository.
WorkingCalendar const& kazakhstan_calendar();
// The ICD-10 codes shipped in the repository.
Icd10Catalogue const& icd10_catalogue();

// A valid IIN (correct check digit) that no other call of this function in the process returns.
std::string fresh_iin();

// SQL counting the quotas whose `reserved` or `used` differ from the referrals that hold their
// units: 0 in every consistent bureau.
inline constexpr char const* kQuotasWhoseCountersDisagree = R"sql(
SELECT count(*) FROM quotas q WHERE
  q.reserved != (SELECT count(*) FROM referrals r WHERE r.quota_holding = 'reserved'
                  AND r.quota_period = q.period AND r.quota_region = q.region
                  AND r.quota_profile = q.profile)
  OR q.used != (SELECT count(*) FROM referrals r WHERE r.quota_holding = 'used'
                  AND r.quota_period = q.period AND r.quota_region = q.region
                  AND r.quota_profile = q.profile)
)sql";

// The first column of the first row of `sql`, as text: "no row" when there is none, and
// "error: …" when the statement fails, so that a comparison with the expected value says why.
inline std::string scalar_text(storage::Database& db, std::string const& sql) {
  auto statement = db.prepare(sql);
  if (!statement) return "error: " + statement.error().message;
  auto const row = statement->step();
  if (!row) return "error: " + row.error().message;
  if (!*row) return "no row";
  return statement->text(0);
}

// Which engine a bureau is on: the run's (see test_engine.hpp), or one named.
enum class BureauEngine { OfTheRun, Sqlite, Memory };

struct BureauOptions {
  Timestamp start = at("2026-03-02T10:00:00+05:00");  // a Monday
  storage::WriterOptions writer{};
  BureauEngine engine = BureauEngine::OfTheRun;
};

class TestBureau {
 public:
  explicit TestBureau(BureauOptions options = {});
  ~TestBureau();

  template <class F>
  auto write(F&& work) {
    return transact(transactor(), std::forward<F>(work));
  }
  template <class F>
  auto read(F&& work) {
    return query(snapshots(), std::forward<F>(work));
  }

  Result<Patient> add_patient(std::string const& iin, std::string const& region = "75",
                              Residency residency = Residency::Citizen, Actor const* by = nullptr);
  // A new patient of `region` and a referral for them, registered by `by` (default: doctor).
  Result<Referral> add_referral(std::string const& profile = "cardiac_surgery",
                                Urgency urgency = Urgency::Routine,
                                std::string const& region = "75", Actor const* by = nullptr,
                                Route route = Route::HighTech);
  Result<Referral> act(Actor const& actor, Id referral_id, Action action, ActionInput input = {},
                       std::optional<std::int64_t> expected_version = std::nullopt);
  Result<Referral> get(Id referral_id);
  Result<Quota> quota(QuotaKey const& key);
  Result<Quota> set_quota(QuotaKey const& key, int allocated);
  // The first column of the first row of `sql`, an integer; an error on the in-memory engine,
  // which has no SQL (the suites that run there ask through the ports instead).
  Result<std::int64_t> count(std::string const& sql);
  // How many audit events `filter` names (its limit ignored), asked through the ports.
  Result<std::int64_t> count_audit(AuditFilter filter);

  // A new referral taken by its region's doctor and commission to `republican_review`.
  Result<Referral> referral_awaiting_republic(std::string const& profile = "cardiac_surgery",
                                              Urgency urgency = Urgency::Routine,
                                              std::string const& region = "75");
  // … and approved by the republican level for `hospital_astana`.
  Result<Referral> referral_with_talon(std::string const& profile = "cardiac_surgery",
                                       std::string const& region = "75");

  // Places of a hospital's profile on a day, published by the administrator.
  Result<Places> publish_places(Id hospital_id, std::string const& profile, Date date,
                                int capacity);
  // A new planned referral of the region's doctor, booked with `hospital_id` on `date`.
  Result<Referral> booked_referral(Id hospital_id, Date date,
                                   std::string const& profile = "surgery",
                                   std::string const& region = "75");

  QuotaKey key(std::string const& profile = "cardiac_surgery",
               std::string const& region = "75") const;

  TempDir dir;
  std::filesystem::path db_path;  // the SQLite file, when the bureau is on SQLite
  std::unique_ptr<PostgresDatabase> postgres;  // the database, when it is on PostgreSQL
  std::string location;  // either: what a connection opens (see open_database)
  FakeClock clock;
  Workflow workflow;
  std::unique_ptr<storage::Writer> writer;     // none in memory
  std::unique_ptr<storage::ReadPool> reader;   // none in memory
  std::unique_ptr<MemoryEngine> memory;        // only in memory

  Transactor& transactor() { return memory ? static_cast<Transactor&>(*memory) : *writer; }
  Reader& snapshots() { return memory ? static_cast<Reader&>(*memory) : *reader; }

  Id polyclinic_almaty = 0;
  Id polyclinic_astana = 0;
  Id hospital_astana = 0;
  Id hospital_almaty = 0;
  Id eye_clinic = 0;  // ophthalmology only, planned patients only
  Actor doctor, doctor_astana, commission, commission_astana, republic, hospital, hospital2, admin,
      eye_staff;
};

}  // namespace joldama::testing
