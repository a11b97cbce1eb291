#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include "storage/audit_chain.hpp"
#include "storage/row_mapping.hpp"
#include "workflow/quota.hpp"
#include "workflow/validation.hpp"

namespace joldama::storage {

using namespace rows;

namespace {

// --- SQL ---------------------------------------------------------------------------------------

constexpr char const* kFindRegion = R"sql(
SELECT code, name_kk, name_ru, name_en, population, population_as_of, population_exact
FROM regions WHERE code = ?1
)sql";
constexpr char const* kListRegions = R"sql(
SELECT code, name_kk, name_ru, name_en, population, population_as_of, population_exact
FROM regions ORDER BY code
)sql";
constexpr char const* kFindProfile = R"sql(
SELECT code, name_kk, name_ru, name_en FROM profiles WHERE code = ?1
)sql";
constexpr char const* kInsertOrganization = R"sql(
INSERT INTO organizations (name, kind, level, region, accepts_planned, accepts_high_tech,
                           address, phone)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
RETURNING id
)sql";
constexpr char const* kSetContacts = R"sql(
UPDATE organizations SET address = ?2, phone = ?3 WHERE id = ?1
)sql";
constexpr char const* kSetAccepts = R"sql(
UPDATE organizations SET accepts_planned = ?2, accepts_high_tech = ?3 WHERE id = ?1
)sql";
constexpr char const* kDeleteProfiles = R"sql(
DELETE FROM organization_profiles WHERE organization_id = ?1
)sql";
constexpr char const* kInsertProfile = R"sql(
INSERT INTO organization_profiles (organization_id, profile) VALUES (?1, ?2)
)sql";

constexpr char const* kFindPlaces = R"sql(
SELECT capacity, booked FROM places WHERE hospital_id = ?1 AND profile = ?2 AND date = ?3
)sql";
constexpr char const* kSavePlaces = R"sql(
INSERT INTO places (hospital_id, profile, date, capacity, booked) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (hospital_id, profile, date) DO UPDATE
SET capacity = excluded.capacity, booked = excluded.booked
)sql";

constexpr char const* kFindPatientById = R"sql(
SELECT id, iin, last_name, first_name, middle_name, birth_date, sex, residency, region, phone,
       insured, registered_by_organization, created_at, email, language
FROM patients WHERE id = ?1
)sql";
constexpr char const* kFindPatientByIin = R"sql(
SELECT id, iin, last_name, first_name, middle_name, birth_date, sex, residency, region, phone,
       insured, registered_by_organization, created_at, email, language
FROM patients WHERE iin = ?1
)sql";
constexpr char const* kInsertPatient = R"sql(
INSERT INTO patients (iin, last_name, first_name, middle_name, birth_date, sex, residency, region,
                      phone, insured, registered_by_organization, created_at, search_name,
                      email, language)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
RETURNING id
)sql";

constexpr char const* kInsertPatientAccess = R"sql(
INSERT INTO patient_accesses (at, user_id, organization_id, patient_id, reason)
VALUES (?1, ?2, ?3, ?4, ?5)
RETURNING id
)sql";
constexpr char const* kCountPatientAccesses = R"sql(
SELECT count(*) FROM patient_accesses WHERE user_id = ?1 AND at >= ?2
)sql";

// The referral's columns in parameter order: column k of the SELECT (after id at 0) is
// parameter k of the INSERT and the UPDATE, so one binder serves both.
constexpr char const* kFindReferral = R"sql(
SELECT id, code, state, version, patient_id, patient_iin, patient_region, icd10, profile, urgency,
       care_form, justification, referring_organization_id, created_by, created_at, updated_at,
       state_since, deadline, paused_working_days, overdue_since, decision_mode, protocol, exam_at,
       exam_place, quota_period, quota_region, quota_profile, quota_holding, waitlisted_at,
       hospital_id, talon_number, talon_issued_at, talon_valid_until, planned_date, case_number,
       abroad_clinic, abroad_country, outcome, final_icd10, route, booking_date, place_held
FROM referrals WHERE id = ?1
)sql";
constexpr char const* kInsertReferral = R"sql(
INSERT INTO referrals (
       code, state, version, patient_id, patient_iin, patient_region, icd10, profile, urgency,
       care_form, justification, referring_organization_id, created_by, created_at, updated_at,
       state_since, deadline, paused_working_days, overdue_since, decision_mode, protocol, exam_at,
       exam_place, quota_period, quota_region, quota_profile, quota_holding, waitlisted_at,
       hospital_id, talon_number, talon_issued_at, talon_valid_until, planned_date, case_number,
       abroad_clinic, abroad_country, outcome, final_icd10, route, booking_date, place_held)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
        ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38,
        ?39, ?40, ?41)
RETURNING id
)sql";
constexpr char const* kUpdateReferral = R"sql(
UPDATE referrals SET
       code = ?1, state = ?2, version = ?3, patient_id = ?4, patient_iin = ?5, patient_region = ?6,
       icd10 = ?7, profile = ?8, urgency = ?9, care_form = ?10, justification = ?11,
       referring_organization_id = ?12, created_by = ?13, created_at = ?14, updated_at = ?15,
       state_since = ?16, deadline = ?17, paused_working_days = ?18, overdue_since = ?19,
       decision_mode = ?20, protocol = ?21, exam_at = ?22, exam_place = ?23, quota_period = ?24,
       quota_region = ?25, quota_profile = ?26, quota_holding = ?27, waitlisted_at = ?28,
       hospital_id = ?29, talon_number = ?30, talon_issued_at = ?31, talon_valid_until = ?32,
       planned_date = ?33, case_number = ?34, abroad_clinic = ?35, abroad_country = ?36,
       outcome = ?37, final_icd10 = ?38, route = ?39, booking_date = ?40, place_held = ?41
WHERE id = ?42 AND version = ?43
)sql";

// The waitlist's order is the workflow's (kWaitlistOrder); here each key becomes the column
// expression it compares, on the referrals row named `row`. The texts are our own constants.
std::string waitlist_sort_columns(std::string_view row) {
  std::string columns;
  for (auto const key : kWaitlistOrder) {
    if (!columns.empty()) columns += ", ";
    switch (key) {
      case WaitlistKey::UrgentFirst:
        columns += fmt::format("CASE {}.urgency WHEN 'urgent' THEN 0 ELSE 1 END", row);
        break;
      case WaitlistKey::LongestWaiting: columns += fmt::format("{}.waitlisted_at", row); break;
      case WaitlistKey::EarlierReferral: columns += fmt::format("{}.id", row); break;
    }
  }
  return columns;
}

// Who draws on a freed unit of the quota (?1 region, ?2 profile, ?3 period), in order; see
// draws_on.
std::string const& waitlist_query() {
  static std::string const sql = fmt::format(R"sql(
SELECT id FROM referrals AS waiter
WHERE state = 'waitlisted' AND quota_region = ?1 AND quota_profile = ?2 AND quota_period <= ?3
ORDER BY {}
LIMIT ?4
)sql",
                                             waitlist_sort_columns("waiter"));
  return sql;
}

// 1-based place of the waitlisted referral ?1 among the waiters of its region and profile.
std::string const& queue_position_query() {
  static std::string const sql = fmt::format(R"sql(
SELECT 1 + (SELECT count(*) FROM referrals AS other
            WHERE other.state = 'waitlisted' AND other.quota_region = me.quota_region
              AND other.quota_profile = me.quota_profile
              AND ({}) < ({}))
FROM referrals AS me WHERE me.id = ?1 AND me.state = 'waitlisted'
)sql",
                                             waitlist_sort_columns("other"),
                                             waitlist_sort_columns("me"));
  return sql;
}
// INDEXED BY: without statistics SQLite's planner takes the state index and reads every live
// talon (a second at a million referrals, on every sweep); the partial index reads only those
// past. PostgreSQL keeps statistics of its own.
constexpr char const* kTalonsPastValidity = R"sql(
SELECT id FROM referrals <<sqlite: INDEXED BY referrals_talon_validity>>
WHERE state IN ('talon_issued', 'scheduled') AND talon_valid_until < ?1
ORDER BY talon_valid_until LIMIT ?2
)sql";
constexpr char const* kUnmarkedOverdue = R"sql(
SELECT id FROM referrals
WHERE deadline IS NOT NULL AND overdue_since IS NULL AND deadline < ?1
ORDER BY deadline LIMIT ?2
)sql";
// Open: not in a final state (is_terminal in workflow/enums.hpp).
// Open: in a state the workflow does not call terminal (is_terminal), named here once.
std::string const& find_open_referral_sql() {
  static std::string const sql = [] {
    std::string terminal;
    for (State state : all_values<State>()) {
      if (!is_terminal(state)) continue;
      terminal += fmt::format("{}'{}'", terminal.empty() ? "" : ", ", to_string(state));
    }
    return fmt::format(
        "SELECT id, code FROM referrals WHERE patient_id = ?1 AND profile = ?2 "
        "AND state NOT IN ({}) ORDER BY id LIMIT 1",
        terminal);
  }();
  return sql;
}
constexpr char const* kMarkOverdue = R"sql(
UPDATE referrals SET overdue_since = ?2 WHERE id = ?1 AND overdue_since IS NULL
)sql";

constexpr char const* kInsertAnnouncedDayOff = R"sql(
INSERT INTO announced_days_off (day, description, announced_by, announced_at) VALUES (?1, ?2, ?3, ?4)
)sql";

constexpr char const* kListAnnouncedDaysOff = R"sql(
SELECT day, description, announced_by, announced_at FROM announced_days_off ORDER BY day
)sql";

// By the deadline sort's index: due_key is the deadline where there is one.
constexpr char const* kDeadlinesFrom = R"sql(
SELECT id FROM referrals WHERE due_key >= ?1 AND deadline IS NOT NULL ORDER BY due_key, id
)sql";

constexpr char const* kFindQuota = R"sql(
SELECT allocated, reserved, used FROM quotas WHERE period = ?1 AND region = ?2 AND profile = ?3
)sql";
constexpr char const* kSaveQuota = R"sql(
INSERT INTO quotas (period, region, profile, allocated, reserved, used)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (period, region, profile) DO UPDATE
SET allocated = excluded.allocated, reserved = excluded.reserved, used = excluded.used
)sql";

constexpr char const* kNextValue = R"sql(
INSERT INTO sequences (name, value) VALUES (?1, 1)
ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
RETURNING value
)sql";

constexpr char const* kLastAudit = R"sql(
SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1
)sql";
constexpr char const* kInsertAudit = R"sql(
INSERT INTO audit (seq, at, actor, role, action, referral_id, detail, prev_hash, hash)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
)sql";

}  // namespace

// --- reference data ----------------------------------------------------------------------------

Result<std::optional<Region>> SqliteStore::find_region(std::string_view code) {
  return query_one<Region>(
      db_, kFindRegion, [&](Statement& s) { s.bind(1, code); },
      [](Statement const& row) -> Result<Region> { return read_region(row); });
}

Result<std::vector<Region>> SqliteStore::list_regions() {
  auto s = db_.prepare(kListRegions);
  if (!s) return s.error();
  std::vector<Region> regions;
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return regions;
    regions.push_back(read_region(*s));
  }
}

Result<std::optional<Profile>> SqliteStore::find_profile(std::string_view code) {
  return query_one<Profile>(
      db_, kFindProfile, [&](Statement& s) { s.bind(1, code); },
      [](Statement const& row) -> Result<Profile> {
        return Profile{row.text(0), {row.text(1), row.text(2), row.text(3)}};
      });
}

Result<std::optional<Organization>> SqliteStore::find_organization(Id id) {
  return query_one<Organization>(
      db_, fmt::format("SELECT {} FROM organizations AS o WHERE o.id = ?1", kOrganizationColumns),
      [&](Statement& s) { s.bind(1, id); },
      [](Statement const& row) { return read_organization(row); });
}

Result<Id> SqliteStore::insert_organization(Organization const& organization) {
  auto s = db_.prepare(kInsertOrganization);
  if (!s) return s.error();
  s->bind(1, organization.name)
      .bind(2, to_string(organization.kind))
      .bind(3, to_string(organization.level))
      .bind(4, organization.region)
      .bind(5, organization.accepts.contains(Route::Planned) ? 1 : 0)
      .bind(6, organization.accepts.contains(Route::HighTech) ? 1 : 0)
      .bind(7, organization.address)
      .bind(8, organization.phone);
  auto inserted = single_int64(*s);
  if (!inserted) return inserted.error();
  auto const id = *inserted;
  for (auto const& profile : organization.profiles) {
    auto insert = db_.prepare(kInsertProfile);
    if (!insert) return insert.error();
    insert->bind(1, id).bind(2, profile);
    if (auto done = insert->run(); !done) return done.error();
  }
  return id;
}

Status SqliteStore::save_hospital_profiles(Id organization_id,
                                           std::vector<std::string> const& profiles,
                                           EnumSet<Route> accepts) {
  auto set = db_.prepare(kSetAccepts);
  if (!set) return set.error();
  set->bind(1, organization_id)
      .bind(2, accepts.contains(Route::Planned) ? 1 : 0)
      .bind(3, accepts.contains(Route::HighTech) ? 1 : 0);
  if (auto done = set->run(); !done) return done;
  auto cleared = db_.prepare(kDeleteProfiles);
  if (!cleared) return cleared.error();
  cleared->bind(1, organization_id);
  if (auto done = cleared->run(); !done) return done;
  for (auto const& profile : profiles) {
    auto insert = db_.prepare(kInsertProfile);
    if (!insert) return insert.error();
    insert->bind(1, organization_id).bind(2, profile);
    if (auto done = insert->run(); !done) return done;
  }
  return ok();
}

Status SqliteStore::save_organization_contacts(Id organization_id, std::string const& address,
                                               std::string const& phone) {
  auto set = db_.prepare(kSetContacts);
  if (!set) return set.error();
  set->bind(1, organization_id).bind(2, address).bind(3, phone);
  return set->run();
}

// --- places ------------------------------------------------------------------------------------

Result<std::optional<Places>> SqliteStore::find_places(PlaceKey const& key) {
  return query_one<Places>(
      db_, kFindPlaces,
      [&](Statement& s) {
        s.bind(1, key.hospital_id).bind(2, key.profile).bind(3, format_date(key.date));
      },
      [&](Statement const& row) -> Result<Places> {
        return Places{key, row.int32(0), row.int32(1)};
      });
}

Status SqliteStore::save_places(Places const& places) {
  auto s = db_.prepare(kSavePlaces);
  if (!s) return s.error();
  s->bind(1, places.key.hospital_id)
      .bind(2, places.key.profile)
      .bind(3, format_date(places.key.date))
      .bind(4, places.capacity)
      .bind(5, places.booked);
  return s->run();
}

// --- patients ----------------------------------------------------------------------------------

Result<std::optional<Patient>> SqliteStore::find_patient(Id id) {
  return query_one<Patient>(
      db_, kFindPatientById, [&](Statement& s) { s.bind(1, id); }, read_patient);
}

Result<std::optional<Patient>> SqliteStore::find_patient_by_iin(std::string_view iin) {
  return query_one<Patient>(
      db_, kFindPatientByIin, [&](Statement& s) { s.bind(1, iin); }, read_patient);
}

Result<Id> SqliteStore::insert_patient(Patient const& p) {
  auto s = db_.prepare(kInsertPatient);
  if (!s) return s.error();
  s->bind(1, p.iin)
      .bind(2, p.last_name)
      .bind(3, p.first_name)
      .bind(4, p.middle_name)
      .bind(5, format_date(p.birth_date))
      .bind(6, to_string(p.sex))
      .bind(7, to_string(p.residency))
      .bind(8, p.region)
      .bind(9, p.phone)
      .bind(10, p.insured ? 1 : 0)
      .bind(11, p.registered_by_organization)
      .bind(12, to_millis(p.created_at))
      .bind(13, fold_case(p.last_name + " " + p.first_name + " " + p.middle_name))
      .bind(14, p.email)
      .bind(15, to_string(p.language));
  auto inserted = single_int64(*s);
  if (!inserted && inserted.error().code == Errc::Duplicate) {
    return make_error(Errc::PatientExists, "a patient with this IIN is already registered", "iin");
  }
  return inserted;
}

Result<Id> SqliteStore::insert_patient_access(PatientAccess const& access) {
  auto s = db_.prepare(kInsertPatientAccess);
  if (!s) return s.error();
  s->bind(1, to_millis(access.at))
      .bind(2, access.user_id)
      .bind(3, access.organization_id)
      .bind(4, access.patient_id)
      .bind(5, access.reason);
  return single_int64(*s);
}

Result<std::int64_t> SqliteStore::count_patient_accesses_since(Id user_id, Timestamp since) {
  auto count = query_one<std::int64_t>(
      db_, kCountPatientAccesses, [&](Statement& s) { s.bind(1, user_id).bind(2, to_millis(since)); },
      [](Statement const& row) -> Result<std::int64_t> { return row.int64(0); });
  if (!count) return count.error();
  return count->value_or(0);
}

// --- referrals ---------------------------------------------------------------------------------

Result<std::optional<Referral>> SqliteStore::find_referral(Id id) {
  return query_one<Referral>(
      db_, kFindReferral, [&](Statement& s) { s.bind(1, id); },
      [](Statement const& row) { return read_referral(row); });
}

Result<Id> SqliteStore::insert_referral(Referral const& referral) {
  auto s = db_.prepare(kInsertReferral);
  if (!s) return s.error();
  bind_referral(*s, referral);
  return single_int64(*s);
}

Status SqliteStore::update_referral(Referral const& referral, std::int64_t expected_version) {
  if (referral.version <= expected_version) {
    // Readers cache worklist rows by version (see ListingCache): a change must advance it.
    return make_error(Errc::Internal, "a change of a referral must advance its version");
  }
  auto s = db_.prepare(kUpdateReferral);
  if (!s) return s.error();
  bind_referral(*s, referral);
  s->bind(42, referral.id).bind(43, expected_version);
  if (auto done = s->run(); !done) return done;
  if (s->changes() == 0) {
    return make_error(Errc::StaleVersion,
                      "the referral changed since it was read; reload and try again");
  }
  return ok();
}

Result<std::vector<Id>> SqliteStore::waitlist(QuotaKey const& key, std::size_t limit) {
  auto s = db_.prepare(waitlist_query());
  if (!s) return s.error();
  s->bind(1, key.region)
      .bind(2, key.profile)
      .bind(3, key.period)
      .bind(4, static_cast<std::int64_t>(limit));
  return collect_ids(*s);
}

Result<std::optional<int>> SqliteStore::queue_position(Id referral_id) {
  return query_one<int>(
      db_, queue_position_query(), [&](Statement& s) { s.bind(1, referral_id); },
      [](Statement const& row) -> Result<int> { return row.int32(0); });
}

Result<std::vector<Id>> SqliteStore::talons_past_validity(Timestamp now, std::size_t limit) {
  auto s = db_.prepare(kTalonsPastValidity);
  if (!s) return s.error();
  s->bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
  return collect_ids(*s);
}

Result<std::vector<Id>> SqliteStore::unmarked_overdue(Timestamp now, std::size_t limit) {
  auto s = db_.prepare(kUnmarkedOverdue);
  if (!s) return s.error();
  s->bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
  return collect_ids(*s);
}

Result<std::optional<ExistingReferral>> SqliteStore::find_open_referral(Id patient_id,
                                                                      std::string_view profile) {
  return query_one<ExistingReferral>(
      db_, find_open_referral_sql(), [&](Statement& s) { s.bind(1, patient_id).bind(2, profile); },
      [](Statement const& row) -> Result<ExistingReferral> {
        return ExistingReferral{row.int64(0), row.text(1)};
      });
}

Status SqliteStore::mark_overdue(Id referral_id, Timestamp since) {
  auto s = db_.prepare(kMarkOverdue);
  if (!s) return s.error();
  s->bind(1, referral_id).bind(2, to_millis(since));
  return s->run();
}

// --- the calendar ------------------------------------------------------------------------------

Status SqliteStore::insert_announced_day_off(AnnouncedDayOff const& day) {
  auto s = db_.prepare(kInsertAnnouncedDayOff);
  if (!s) return s.error();
  s->bind(1, format_date(day.date))
      .bind(2, day.description)
      .bind(3, day.announced_by)
      .bind(4, to_millis(day.announced_at));
  return s->run();
}

Result<std::vector<AnnouncedDayOff>> SqliteStore::list_announced_days_off() {
  auto s = db_.prepare(kListAnnouncedDaysOff);
  if (!s) return s.error();
  return query_all<AnnouncedDayOff>(*s, [](Statement const& row) -> Result<AnnouncedDayOff> {
    auto const date = parse_date(row.text(0));
    if (!date) return corrupt("announced day off", row.text(0));
    return AnnouncedDayOff{*date, row.text(1), row.text(2), from_millis(row.int64(3))};
  });
}

Result<std::vector<Id>> SqliteStore::deadlines_from(Timestamp from) {
  auto s = db_.prepare(kDeadlinesFrom);
  if (!s) return s.error();
  s->bind(1, to_millis(from));
  return collect_ids(*s);
}

// --- quotas and sequences ----------------------------------------------------------------------

Result<std::optional<Quota>> SqliteStore::find_quota(QuotaKey const& key) {
  return query_one<Quota>(
      db_, kFindQuota,
      [&](Statement& s) { s.bind(1, key.period).bind(2, key.region).bind(3, key.profile); },
      [&](Statement const& row) -> Result<Quota> {
        return Quota{key, row.int32(0), row.int32(1), row.int32(2)};
      });
}

Status SqliteStore::save_quota(Quota const& quota) {
  auto s = db_.prepare(kSaveQuota);
  if (!s) return s.error();
  s->bind(1, quota.key.period)
      .bind(2, quota.key.region)
      .bind(3, quota.key.profile)
      .bind(4, quota.allocated)
      .bind(5, quota.reserved)
      .bind(6, quota.used);
  return s->run();
}

Result<std::int64_t> SqliteStore::next_value(std::string_view name) {
  auto s = db_.prepare(kNextValue);
  if (!s) return s.error();
  s->bind(1, name);
  auto row = s->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::Internal, "a sequence returned no value");
  auto const value = s->int64(0);
  if (auto rest = s->run(); !rest) return rest.error();
  return value;
}

// --- audit -------------------------------------------------------------------------------------

Status SqliteStore::append_audit(AuditEvent const& event) {
  return append_audit(std::vector<AuditEvent>{event});
}

Status SqliteStore::append_audit(std::vector<AuditEvent> const& events) {
  if (events.empty()) return ok();
  AuditRecord record;
  record.prev_hash = genesis_hash();
  record.seq = 0;
  if (audit_tail_) {
    record.seq = audit_tail_->seq;
    record.prev_hash = audit_tail_->hash;
  } else {
    auto last = db_.prepare(kLastAudit);
    if (!last) return last.error();
    auto row = last->step();
    if (!row) return row.error();
    if (*row) {
      record.seq = last->int64(0);
      record.prev_hash = last->text(1);
    }
  }
  for (auto const& event : events) {
    ++record.seq;
    record.at_millis = to_millis(event.at);
    record.actor = event.actor;
    record.role = std::string{to_string(event.role)};
    record.action = event.action;
    record.referral_id = event.referral_id;
    record.detail = detail_json(event);
    record.hash =
        audit_hash(record.prev_hash, record, keys_ ? keys_->key_for(record.seq) : nullptr);

    auto s = db_.prepare(kInsertAudit);
    if (!s) return s.error();
    s->bind(1, record.seq)
        .bind(2, record.at_millis)
        .bind(3, record.actor)
        .bind(4, record.role)
        .bind(5, record.action)
        .bind(6, record.referral_id)
        .bind(7, record.detail)
        .bind(8, record.prev_hash)
        .bind(9, record.hash);
    if (auto done = s->send(); !done) return done;
    record.prev_hash = std::move(record.hash);
  }
  if (follows_audit_tail_) audit_tail_ = AuditTail{record.seq, record.prev_hash};
  return ok();
}

Result<AuditCheck> SqliteStore::verify_audit_chain() {
  auto result = verify_audit(db_, AuditEvidence{keys_, nullptr, nullptr});
  if (!result) return result.error();
  return AuditCheck{result->ok, result->events, result->broken_seq, result->reason};
}

}  // namespace joldama::storage
