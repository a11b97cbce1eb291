#include "tests/support/test_bureau.hpp"

#include <fmt/format.h>

#include <atomic>
#include <limits>
#include <stdexcept>

#include "workflow/validation.hpp"

namespace joldama::testing {

namespace {

template <class T>
T must(Result<T> result, char const* what) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", what, result.error().message));
  return std::move(*result);
}

}  // namespace

WorkingCalendar const& kazakhstan_calendar() {
  static WorkingCalendar const calendar =
      must(WorkingCalendar::load(std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" /
                                 "calendar-kz.txt"),
           "loading the calendar");
  return calendar;
}

Icd10Catalogue const& icd10_catalogue() {
  static Icd10Catalogue const catalogue =
      must(Icd10Catalogue::load(std::filesystem::path{JOLDAMA_SOURCE_DIR} / "config" / "icd10.tsv"),
           "loading the ICD-10 codes");
  return catalogue;
}

std::string fresh_iin() {
  static std::atomic<std::int64_t> counter{0};
  for (;;) {
    auto const first_eleven = fmt::format("8{:010}", counter.fetch_add(1) + 1);
    if (auto const check = iin_check_digit(first_eleven)) {
      return fmt::format("{}{}", first_eleven, *check);
    }
  }
}

TestBureau::TestBureau(BureauOptions options)
    : db_path(dir.file("joldama.db")),
      clock(options.start),
      workflow(clock, kazakhstan_calendar(), icd10_catalogue(), DeadlinePolicy{}) {
  bool const of_the_run = options.engine == BureauEngine::OfTheRun;
  if (options.engine == BureauEngine::Memory || (of_the_run && in_memory())) {
    memory = std::make_unique<MemoryEngine>();
  } else if (of_the_run && on_postgres()) {
    postgres = std::make_unique<PostgresDatabase>();
    location = postgres->uri();
    writer = must(storage::Writer::start_postgres(location, options.writer), "starting the writer");
  } else {
    location = db_path.string();
    writer = must(storage::Writer::start(db_path, options.writer), "starting the writer");
  }
  // The two big hospitals treat everything by both routes; the eye clinic only its profile,
  // planned, for the routing rules.
  std::vector<std::string> every_profile;
  for (auto const& p : must(write([](Store& s) { return s.list_profiles(); }), "profiles")) {
    every_profile.push_back(p.code);
  }
  auto const add = [&](std::string name, OrganizationKind kind, OrganizationLevel level,
                       std::string region, std::vector<std::string> profiles = {},
                       EnumSet<Route> accepts = {}) {
    if (kind == OrganizationKind::Hospital && profiles.empty()) {
      profiles = every_profile;
      accepts = EnumSet<Route>{Route::Planned, Route::HighTech};
    }
    Organization org{0,         std::move(name),     kind, level, std::move(region),
                     profiles, accepts};
    return must(write([&](Store& s) { return s.insert_organization(org); }), "organization");
  };
  polyclinic_almaty =
      add("City polyclinic No. 5", OrganizationKind::Polyclinic, OrganizationLevel::Local, "75");
  polyclinic_astana =
      add("City polyclinic No. 2", OrganizationKind::Polyclinic, OrganizationLevel::Local, "71");
  hospital_astana = add("National Research Cardiac Surgery Center", OrganizationKind::Hospital,
                        OrganizationLevel::Republican, "71");
  hospital_almaty = add("Scientific Center of Surgery", OrganizationKind::Hospital,
                        OrganizationLevel::Republican, "75");
  eye_clinic = add("City eye clinic", OrganizationKind::Hospital, OrganizationLevel::Local, "75",
                   {"ophthalmology"}, EnumSet<Route>{Route::Planned});
  if (!memory) {
    reader = must(postgres ? storage::ReadPool::open_postgres(location, 4)
                           : storage::ReadPool::open(db_path, 4),
                  "opening the read pool");
  }

  doctor = Actor{1, "doctor", Role::Doctor, polyclinic_almaty, "75"};
  doctor_astana = Actor{2, "doctor.astana", Role::Doctor, polyclinic_astana, "71"};
  commission = Actor{3, "commission", Role::Commission, std::nullopt, "75"};
  commission_astana = Actor{4, "commission.astana", Role::Commission, std::nullopt, "71"};
  republic = Actor{5, "republic", Role::Republican, std::nullopt, ""};
  hospital = Actor{6, "hospital", Role::Hospital, hospital_astana, "71"};
  hospital2 = Actor{7, "hospital2", Role::Hospital, hospital_almaty, "75"};
  admin = Actor{8, "admin", Role::Admin, std::nullopt, ""};
  eye_staff = Actor{9, "hospital.eye", Role::Hospital, eye_clinic, "75"};
}

TestBureau::~TestBureau() {
  reader.reset();
  if (writer) writer->stop();
  writer.reset();  // before the database it was connected to is dropped
}

Result<Patient> TestBureau::add_patient(std::string const& iin, std::string const& region,
                                        Residency residency, Actor const* by) {
  PatientDraft draft;
  draft.iin = iin;
  draft.last_name = "Сейтқали";
  draft.first_name = "Айгерім";
  draft.birth_date = day("1985-07-15");
  draft.sex = Sex::Female;
  draft.residency = residency;
  draft.region = region;
  draft.insured = true;
  Actor const& actor = by ? *by : (region == "71" ? doctor_astana : doctor);
  return write([&](Store& s) { return workflow.register_patient(s, actor, draft); });
}

Result<Referral> TestBureau::add_referral(std::string const& profile, Urgency urgency,
                                          std::string const& region, Actor const* by,
                                          Route route) {
  Actor const& actor = by ? *by : (region == "71" ? doctor_astana : doctor);
  auto patient = add_patient(fresh_iin(), region, Residency::Citizen, &actor);
  if (!patient) return patient.error();
  ReferralDraft draft{patient->iin,
                      "I25.1",
                      profile,
                      route,
                      urgency,
                      CareForm::Inpatient,
                      "Three-vessel coronary disease; surgery is not available locally."};
  return write([&](Store& s) { return workflow.register_referral(s, actor, draft); });
}

Result<Referral> TestBureau::act(Actor const& actor, Id referral_id, Action action,
                                 ActionInput input, std::optional<std::int64_t> expected_version) {
  ActionCommand command{referral_id, action, expected_version, std::move(input)};
  return write([&](Store& s) { return workflow.perform(s, actor, command); });
}

Result<Referral> TestBureau::get(Id referral_id) {
  return read([&](StoreReads& s) -> Result<Referral> {
    auto found = s.find_referral(referral_id);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::NotFound, "no such referral");
    return std::move(**found);
  });
}

Result<Quota> TestBureau::quota(QuotaKey const& k) {
  return read([&](StoreReads& s) -> Result<Quota> {
    auto found = s.find_quota(k);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::NotFound, "no such quota");
    return **found;
  });
}

Result<Quota> TestBureau::set_quota(QuotaKey const& k, int allocated) {
  return write([&](Store& s) { return workflow.set_allocation(s, republic, k, allocated); });
}

Result<std::int64_t> TestBureau::count(std::string const& sql) {
  if (memory) return make_error(Errc::Internal, "the in-memory engine has no SQL: " + sql);
  return read([&](StoreReads& s) -> Result<std::int64_t> {
    auto& db = static_cast<storage::SqliteStore&>(s).database();
    auto statement = db.prepare(sql);
    if (!statement) return statement.error();
    auto row = statement->step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::Internal, "no row");
    return statement->int64(0);
  });
}

Result<std::int64_t> TestBureau::count_audit(AuditFilter filter) {
  filter.limit = 1'000'000'000;  // every one a test makes
  return read([&](StoreReads& s) -> Result<std::int64_t> {
    auto events = s.list_audit(filter);
    if (!events) return events.error();
    return static_cast<std::int64_t>(events->size());
  });
}

Result<Referral> TestBureau::referral_awaiting_republic(std::string const& profile, Urgency urgency,
                                                        std::string const& region) {
  auto referral = add_referral(profile, urgency, region);
  if (!referral) return referral;
  Actor const& referring = region == "71" ? doctor_astana : doctor;
  Actor const& reviewing = region == "71" ? commission_astana : commission;
  auto submitted = act(referring, referral->id, Action::Submit);
  if (!submitted) return submitted;
  ActionInput approval;
  approval.protocol = "P-17/2026";
  return act(reviewing, referral->id, Action::Approve, approval);
}

Result<Referral> TestBureau::referral_with_talon(std::string const& profile,
                                                 std::string const& region) {
  auto referral = referral_awaiting_republic(profile, Urgency::Routine, region);
  if (!referral) return referral;
  ActionInput approval;
  approval.hospital_id = hospital_astana;
  return act(republic, referral->id, Action::Approve, approval);
}

Result<Places> TestBureau::publish_places(Id hospital_id, std::string const& profile, Date date,
                                          int capacity) {
  auto published = write([&](Store& s) {
    return workflow.set_places(s, admin, PlaceKey{hospital_id, profile, date}, capacity);
  });
  if (!published) return published.error();
  return published->places;
}

Result<Referral> TestBureau::booked_referral(Id hospital_id, Date date, std::string const& profile,
                                             std::string const& region) {
  auto referral = add_referral(profile, Urgency::Routine, region, nullptr, Route::Planned);
  if (!referral) return referral;
  ActionInput booking;
  booking.hospital_id = hospital_id;
  booking.planned_date = date;
  return act(region == "71" ? doctor_astana : doctor, referral->id, Action::Book, booking);
}

QuotaKey TestBureau::key(std::string const& profile, std::string const& region) const {
  return QuotaKey{year_of(local_date(clock.now())), region, profile};
}

}  // namespace joldama::testing
