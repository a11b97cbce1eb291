#include "storage/schema.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace joldama::storage {

namespace {

// The schema at version 22. Every enum column is checked against its names; the quota and place
// ledgers' invariants (reserved + used <= allocated, booked <= capacity) are the database's own
// rules; the audit log refuses updates and deletes. The comments of each table's history are in
// storage/migrations.cpp, where SQLite files older than this reach it.
constexpr std::string_view kBaseline = R"sql(
CREATE TABLE regions (
  code       TEXT PRIMARY KEY CHECK (<<sqlite: code GLOB '[0-9][0-9]'>><<postgres: code ~ '^[0-9][0-9]$'>>),
  name_kk    TEXT NOT NULL,
  name_ru    TEXT NOT NULL,
  name_en    TEXT NOT NULL,
  population INTEGER NOT NULL CHECK (population >= 0),
  population_as_of TEXT NOT NULL DEFAULT '2025-01-01'
    CHECK (<<sqlite: population_as_of GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'>><<postgres: population_as_of ~ '^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$'>>),
  population_exact INTEGER NOT NULL DEFAULT 0 CHECK (population_exact IN (0, 1))
) <<sqlite: STRICT>>;

CREATE TABLE profiles (
  code    TEXT PRIMARY KEY CHECK (<<sqlite: code GLOB '[a-z]*'>><<postgres: code ~ '^[a-z]'>> AND length(code) <= 40),
  name_kk TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL
) <<sqlite: STRICT>>;

CREATE TABLE organizations (
  id     <<id>>,
  name   TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('polyclinic', 'hospital')),
  level  TEXT NOT NULL CHECK (level IN ('local', 'regional', 'republican')),
  region TEXT NOT NULL REFERENCES regions (code),
  accepts_planned INTEGER NOT NULL DEFAULT 0 CHECK (accepts_planned IN (0, 1)),
  accepts_high_tech INTEGER NOT NULL DEFAULT 0 CHECK (accepts_high_tech IN (0, 1)),
  address TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 300),
  phone TEXT NOT NULL DEFAULT ''
    CHECK (<<sqlite: phone = '' OR (length(phone) = 12 AND phone GLOB '+7[0-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*')>><<postgres: phone = '' OR phone ~ '^\+7[0-9]{10}$'>>)
) <<sqlite: STRICT>>;
CREATE INDEX organizations_by_region ON organizations (region, kind);

CREATE TABLE patients (
  id          <<id>>,
  iin         TEXT NOT NULL UNIQUE CHECK (<<sqlite: length(iin) = 12 AND iin NOT GLOB '*[^0-9]*'>><<postgres: iin ~ '^[0-9]{12}$'>>),
  last_name   TEXT NOT NULL,
  first_name  TEXT NOT NULL,
  middle_name TEXT NOT NULL DEFAULT '',
  birth_date  TEXT NOT NULL CHECK (<<date birth_date>>),
  sex         TEXT NOT NULL CHECK (sex IN ('male', 'female')),
  residency   TEXT NOT NULL CHECK (residency IN ('citizen', 'kandas', 'foreign_permanent',
                                                 'stateless_permanent', 'foreign_temporary')),
  region      TEXT NOT NULL REFERENCES regions (code),
  phone       TEXT NOT NULL DEFAULT '',
  insured     INTEGER NOT NULL CHECK (insured IN (0, 1)),
  registered_by_organization INTEGER NOT NULL REFERENCES organizations (id),
  created_at  INTEGER NOT NULL,
  search_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT ''
    CHECK (<<sqlite: email = '' OR (length(email) <= 254 AND email GLOB '?*@?*.?*' AND email NOT GLOB '*[ ]*')>><<postgres: email = '' OR (length(email) <= 254 AND email ~ '^.+@.+\..+$' AND email !~ ' ')>>),
  language TEXT NOT NULL DEFAULT 'kk' CHECK (language IN ('kk', 'ru'))
) <<sqlite: STRICT>>;
CREATE INDEX patients_by_organization ON patients (registered_by_organization);

CREATE TABLE quotas (
  period    INTEGER NOT NULL CHECK (period BETWEEN 2000 AND 2999),
  region    TEXT NOT NULL REFERENCES regions (code),
  profile   TEXT NOT NULL REFERENCES profiles (code),
  allocated INTEGER NOT NULL CHECK (allocated >= 0),
  reserved  INTEGER NOT NULL CHECK (reserved >= 0),
  used      INTEGER NOT NULL CHECK (used >= 0),
  CHECK (reserved + used <= allocated),
  PRIMARY KEY (period, region, profile)
) <<sqlite: STRICT, WITHOUT ROWID>>;

CREATE TABLE referrals (
  id                 <<id>>,
  code               TEXT NOT NULL UNIQUE,
  state              TEXT NOT NULL CHECK (state IN (
                       'registered', 'booking_requested', 'commission_review',
                       'in_person_scheduled', 'info_requested', 'republican_review', 'waitlisted',
                       'talon_issued', 'scheduled', 'admitted', 'abroad_review', 'abroad_approved',
                       'completed', 'rejected', 'cancelled', 'expired', 'no_show')),
  version            INTEGER NOT NULL CHECK (version >= 1),
  patient_id         INTEGER NOT NULL REFERENCES patients (id),
  patient_iin        TEXT NOT NULL,
  patient_region     TEXT NOT NULL REFERENCES regions (code),
  icd10              TEXT NOT NULL,
  profile            TEXT NOT NULL REFERENCES profiles (code),
  urgency            TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent')),
  care_form          TEXT NOT NULL CHECK (care_form IN ('inpatient', 'day_hospital')),
  justification      TEXT NOT NULL,
  referring_organization_id INTEGER NOT NULL REFERENCES organizations (id),
  created_by         INTEGER NOT NULL,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  state_since        INTEGER NOT NULL,
  deadline           INTEGER,
  paused_working_days INTEGER CHECK (paused_working_days >= 0),
  overdue_since      INTEGER,
  decision_mode      TEXT CHECK (decision_mode IN ('in_absentia', 'in_person')),
  protocol           TEXT NOT NULL DEFAULT '',
  exam_at            INTEGER,
  exam_place         TEXT NOT NULL DEFAULT '',
  quota_period       INTEGER,
  quota_region       TEXT,
  quota_profile      TEXT,
  quota_holding      TEXT NOT NULL CHECK (quota_holding IN ('none', 'waiting', 'reserved', 'used')),
  waitlisted_at      INTEGER,
  hospital_id        INTEGER REFERENCES organizations (id),
  talon_number       TEXT UNIQUE,
  talon_issued_at    INTEGER,
  talon_valid_until  INTEGER,
  planned_date       TEXT CHECK (planned_date IS NULL OR <<date planned_date>>),
  case_number        TEXT NOT NULL DEFAULT '',
  abroad_clinic      TEXT NOT NULL DEFAULT '',
  abroad_country     TEXT NOT NULL DEFAULT '',
  outcome            TEXT CHECK (outcome IN ('recovered', 'improved', 'unchanged', 'worsened', 'died')),
  final_icd10        TEXT NOT NULL DEFAULT '',
  route              TEXT NOT NULL DEFAULT 'high_tech' CHECK (route IN ('planned', 'high_tech')),
  booking_date       TEXT CHECK (booking_date IS NULL OR <<date booking_date>>),
  place_held         INTEGER NOT NULL DEFAULT 0 CHECK (place_held IN (0, 1)),
  -- The worklists' order (urgent first), the hospital a referral is addressed to (its talon's, or
  -- the one asked to confirm a booking: addressed_hospital() in workflow/decide.cpp), and the
  -- deadline that puts those without one last: kept by the database, read by the indexes.
  urgency_rank       INTEGER GENERATED ALWAYS AS (CASE urgency WHEN 'urgent' THEN 0 ELSE 1 END) <<sqlite: VIRTUAL>><<postgres: STORED>>,
  addressed_to       INTEGER GENERATED ALWAYS AS (
                       CASE WHEN talon_number IS NOT NULL OR state = 'booking_requested'
                            THEN hospital_id END) <<sqlite: VIRTUAL>><<postgres: STORED>>,
  due_key            INTEGER GENERATED ALWAYS AS (coalesce(deadline, 9223372036854775807)) <<sqlite: VIRTUAL>><<postgres: STORED>>,
  -- A referral holds a quota exactly when it waits for, reserves or used a unit of one.
  CHECK ((quota_holding = 'none') = (quota_period IS NULL)),
  CHECK ((quota_period IS NULL) = (quota_region IS NULL AND quota_profile IS NULL)),
  -- It waits exactly when it is waitlisted; on the high-technology route it reserves exactly
  -- while it holds a live talon. A planned referral never holds a quota.
  CHECK ((quota_holding = 'waiting') = (state = 'waitlisted')),
  CHECK ((quota_holding = 'reserved') = (route = 'high_tech' AND state IN ('talon_issued', 'scheduled'))),
  CHECK (quota_holding <> 'used' OR state IN ('admitted', 'completed')),
  CHECK (route = 'high_tech' OR quota_holding = 'none'),
  CHECK ((talon_number IS NULL) = (talon_issued_at IS NULL)),
  CHECK (talon_number IS NULL OR hospital_id IS NOT NULL),
  -- A planned booking names its hospital and day; a place is held from the confirmation on, by
  -- a referral scheduled, admitted or completed, and always while scheduled.
  CHECK (booking_date IS NULL OR route = 'planned'),
  CHECK (state <> 'booking_requested' OR (booking_date IS NOT NULL AND hospital_id IS NOT NULL)),
  CHECK (place_held = 0 OR (booking_date IS NOT NULL AND hospital_id IS NOT NULL
                            AND state IN ('scheduled', 'admitted', 'completed'))),
  CHECK (NOT (route = 'planned' AND state = 'scheduled') OR place_held = 1)
) <<sqlite: STRICT>>;
CREATE INDEX referrals_by_profile ON referrals (profile, state);
CREATE INDEX referrals_by_patient ON referrals (patient_id, profile);
CREATE INDEX referrals_unmarked_deadline ON referrals (deadline)
  WHERE deadline IS NOT NULL AND overdue_since IS NULL;
CREATE INDEX referrals_talon_validity ON referrals (talon_valid_until)
  WHERE state IN ('talon_issued', 'scheduled');
CREATE INDEX referrals_waitlist ON referrals (quota_region, quota_profile, waitlisted_at)
  WHERE state = 'waitlisted';
CREATE INDEX referrals_worklist ON referrals (urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_region
  ON referrals (patient_region, urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_organization
  ON referrals (referring_organization_id, urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_hospital
  ON referrals (addressed_to, urgency_rank, state_since, id) WHERE addressed_to IS NOT NULL;
CREATE INDEX referrals_queue
  ON referrals (state, urgency_rank, state_since, id, version, overdue_since);
CREATE INDEX referrals_queue_by_region
  ON referrals (patient_region, state, urgency_rank, state_since, id, version, overdue_since);
CREATE INDEX referrals_queue_by_organization
  ON referrals (referring_organization_id, state, urgency_rank, state_since, id, version,
                overdue_since);
CREATE INDEX referrals_queue_by_hospital
  ON referrals (addressed_to, state, urgency_rank, state_since, id, version, overdue_since)
  WHERE addressed_to IS NOT NULL;
CREATE INDEX referrals_by_due ON referrals (due_key, id);
CREATE INDEX referrals_by_due_in_region ON referrals (patient_region, due_key, id);
CREATE INDEX referrals_by_due_of_organization ON referrals (referring_organization_id, due_key, id);
CREATE INDEX referrals_by_due_at_hospital ON referrals (addressed_to, due_key, id)
  WHERE addressed_to IS NOT NULL;
CREATE INDEX referrals_by_creation ON referrals (created_at, id);
CREATE INDEX referrals_by_creation_in_region ON referrals (patient_region, created_at, id);
CREATE INDEX referrals_by_creation_of_organization
  ON referrals (referring_organization_id, created_at, id);
CREATE INDEX referrals_by_creation_at_hospital ON referrals (addressed_to, created_at, id)
  WHERE addressed_to IS NOT NULL;
CREATE INDEX referrals_by_author ON referrals (created_by, urgency_rank, state_since, id);
CREATE INDEX referrals_by_protocol ON referrals (patient_region, protocol) WHERE protocol <> '';
CREATE INDEX referrals_scheduled_by_day ON referrals (planned_date) WHERE state = 'scheduled';

CREATE TABLE sequences (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL CHECK (value >= 1)
) <<sqlite: STRICT, WITHOUT ROWID>>;

CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('doctor', 'commission', 'republican', 'hospital',
                                            'admin', 'system')),
  action      TEXT NOT NULL,
  referral_id INTEGER REFERENCES referrals (id),
  detail      TEXT NOT NULL,  -- a JSON object written by storage itself
  prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash        TEXT NOT NULL CHECK (length(hash) = 64)
) <<sqlite: STRICT>>;
-- A referral's history without the reads of it, in one index range; the reads of a referral by
-- partition of 1,048,576 events (written the same in storage/audit_queries.hpp).
CREATE INDEX audit_history ON audit (referral_id, seq, at, actor, role, action, detail)
  WHERE referral_id IS NOT NULL AND action NOT IN ('read_referral', 'read_attachment');
CREATE INDEX audit_reads ON audit ((seq / 1048576), referral_id, seq)
  WHERE referral_id IS NOT NULL AND action IN ('read_referral', 'read_attachment');
<<sqlite:
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
>><<postgres:
CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
CREATE TRIGGER audit_is_never_emptied BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
>>

CREATE TABLE users (
  id              <<id>>,
  login           TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 3 AND 64),
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('doctor', 'commission', 'republican', 'hospital',
                                                'admin')),
  organization_id INTEGER REFERENCES organizations (id),
  region          TEXT REFERENCES regions (code),
  locale          TEXT NOT NULL CHECK (locale IN ('kk', 'ru', 'en')),
  password_hash   TEXT NOT NULL,
  disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at      INTEGER NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  CHECK ((role IN ('doctor', 'hospital')) = (organization_id IS NOT NULL)),
  CHECK (role <> 'commission' OR region IS NOT NULL)
) <<sqlite: STRICT>>;
CREATE INDEX users_by_role ON users (role, region, organization_id);

CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id      INTEGER NOT NULL REFERENCES users (id),
  csrf_hash    TEXT NOT NULL CHECK (length(csrf_hash) = 64),
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) <<sqlite: STRICT, WITHOUT ROWID>>;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE idempotency_keys (
  user_id      INTEGER NOT NULL REFERENCES users (id),
  key          TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
  response     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) <<sqlite: STRICT, WITHOUT ROWID>>;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

CREATE TABLE attachments (
  id           <<id>>,
  referral_id  INTEGER NOT NULL REFERENCES referrals (id),
  filename     TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 1024),
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size         INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes        BLOB NOT NULL CHECK (length(bytes) = size),
  uploaded_by  INTEGER NOT NULL,
  uploaded_at  INTEGER NOT NULL
) <<sqlite: STRICT>>;
CREATE INDEX attachments_by_referral ON attachments (referral_id);

CREATE TABLE login_failures (
  key      TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
  failures INTEGER NOT NULL CHECK (failures >= 1),
  first_at INTEGER NOT NULL,
  last_at  INTEGER NOT NULL CHECK (last_at >= first_at)
) <<sqlite: STRICT, WITHOUT ROWID>>;
CREATE INDEX login_failures_by_age ON login_failures (last_at);

CREATE TABLE patient_accesses (
  id              <<id>>,
  at              INTEGER NOT NULL,
  user_id         INTEGER NOT NULL REFERENCES users (id),
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  patient_id      INTEGER REFERENCES patients (id),
  reason          TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000)
) <<sqlite: STRICT>>;
CREATE INDEX patient_accesses_granted ON patient_accesses (patient_id, organization_id)
  WHERE patient_id IS NOT NULL;
CREATE INDEX patient_accesses_by_user ON patient_accesses (user_id, at);

CREATE TABLE organization_profiles (
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  profile         TEXT NOT NULL REFERENCES profiles (code),
  PRIMARY KEY (organization_id, profile)
) <<sqlite: STRICT, WITHOUT ROWID>>;
CREATE INDEX organization_profiles_by_profile ON organization_profiles (profile, organization_id);

CREATE TABLE places (
  hospital_id INTEGER NOT NULL REFERENCES organizations (id),
  profile     TEXT NOT NULL REFERENCES profiles (code),
  date        TEXT NOT NULL CHECK (<<date date>>),
  capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 10000),
  booked      INTEGER NOT NULL CHECK (booked >= 0),
  CHECK (booked <= capacity),
  PRIMARY KEY (hospital_id, profile, date)
) <<sqlite: STRICT, WITHOUT ROWID>>;
CREATE INDEX places_by_day ON places (date, profile);
CREATE INDEX places_by_profile ON places (profile, date);

CREATE TABLE announced_days_off (
  day          TEXT PRIMARY KEY CHECK (<<date day>>),
  description  TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
  announced_by TEXT NOT NULL,
  announced_at INTEGER NOT NULL
) <<sqlite: STRICT>>;

CREATE TABLE notifications (
  id          <<id>>,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('info_requested', 'decision_made', 'referral_arrived',
                                            'talon_arrived', 'booking_arrived', 'promoted',
                                            'deadline_due')),
  referral_id INTEGER REFERENCES referrals (id),
  read_at     INTEGER
) <<sqlite: STRICT>>;
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_age ON notifications (at);

CREATE TABLE deadline_reminders (
  referral_id INTEGER PRIMARY KEY REFERENCES referrals (id),
  deadline    INTEGER NOT NULL
) <<sqlite: STRICT>>;

CREATE TABLE outbox (
  id              <<id>>,
  created_at      INTEGER NOT NULL,
  patient_id      INTEGER NOT NULL REFERENCES patients (id),
  referral_id     INTEGER REFERENCES referrals (id),
  channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient       TEXT NOT NULL CHECK (recipient <> ''),
  kind            TEXT NOT NULL CHECK (kind IN ('talon_issued', 'booking_confirmed',
                                                'booking_refused', 'admission_date_set',
                                                'exam_date_set', 'decision_made',
                                                'admission_tomorrow')),
  language        TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL CHECK (body <> ''),
  idempotency_key TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'dead')),
  attempts        INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL,
  sent_at         INTEGER,
  CHECK ((state = 'sent') = (sent_at IS NOT NULL))
) <<sqlite: STRICT>>;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('pending', 'failed');
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE INDEX outbox_sent_by_age ON outbox (sent_at) WHERE state = 'sent';

CREATE TABLE admission_reminders (
  referral_id INTEGER PRIMARY KEY REFERENCES referrals (id),
  day         TEXT NOT NULL
) <<sqlite: STRICT>>;

CREATE TABLE report_counters (
  report  TEXT NOT NULL,
  region  TEXT NOT NULL,
  profile TEXT NOT NULL,
  bucket  TEXT NOT NULL,
  series  TEXT NOT NULL,
  value   INTEGER NOT NULL,
  PRIMARY KEY (report, region, profile, bucket, series)
) <<sqlite: STRICT, WITHOUT ROWID>>;

CREATE TABLE waitlist_summaries (
  region       TEXT NOT NULL,
  profile      TEXT NOT NULL,
  length       INTEGER NOT NULL CHECK (length > 0),
  earliest_day INTEGER NOT NULL,  -- days since 1970-01-01 that the longest waiter joined
  median_day   INTEGER NOT NULL CHECK (median_day >= earliest_day),
  PRIMARY KEY (region, profile)
) <<sqlite: WITHOUT ROWID>>;

-- Reference data. Populations: the Bureau of National Statistics' figures at the day each
-- counts (population_exact), or approximate ones until a migration brings the Bureau's (see
-- migration 14 in storage/migrations.cpp for the sources).
INSERT INTO regions (code, name_kk, name_ru, name_en, population, population_as_of, population_exact) VALUES
  ('10', 'Абай облысы', 'область Абай', 'Abai Region', 595676, '2026-01-01', 1),
  ('11', 'Ақмола облысы', 'Акмолинская область', 'Akmola Region', 782000, '2025-01-01', 0),
  ('15', 'Ақтөбе облысы', 'Актюбинская область', 'Aktobe Region', 946000, '2025-01-01', 0),
  ('19', 'Алматы облысы', 'Алматинская область', 'Almaty Region', 1596331, '2026-01-01', 1),
  ('23', 'Атырау облысы', 'Атырауская область', 'Atyrau Region', 709000, '2025-01-01', 0),
  ('27', 'Батыс Қазақстан облысы', 'Западно-Казахстанская область', 'West Kazakhstan Region', 693000, '2025-01-01', 0),
  ('31', 'Жамбыл облысы', 'Жамбылская область', 'Zhambyl Region', 1215373, '2026-01-01', 1),
  ('33', 'Жетісу облысы', 'область Жетісу', 'Zhetysu Region', 699000, '2025-01-01', 0),
  ('35', 'Қарағанды облысы', 'Карагандинская область', 'Karaganda Region', 1131287, '2026-01-01', 1),
  ('39', 'Қостанай облысы', 'Костанайская область', 'Kostanay Region', 829000, '2025-01-01', 0),
  ('43', 'Қызылорда облысы', 'Кызылординская область', 'Kyzylorda Region', 842000, '2025-01-01', 0),
  ('47', 'Маңғыстау облысы', 'Мангистауская область', 'Mangystau Region', 805156, '2025-01-01', 1),
  ('55', 'Павлодар облысы', 'Павлодарская область', 'Pavlodar Region', 750000, '2025-01-01', 0),
  ('59', 'Солтүстік Қазақстан облысы', 'Северо-Казахстанская область', 'North Kazakhstan Region', 514156, '2026-01-01', 1),
  ('61', 'Түркістан облысы', 'Туркестанская область', 'Turkestan Region', 2148658, '2026-01-01', 1),
  ('62', 'Ұлытау облысы', 'область Ұлытау', 'Ulytau Region', 218993, '2026-01-01', 1),
  ('63', 'Шығыс Қазақстан облысы', 'Восточно-Казахстанская область', 'East Kazakhstan Region', 707000, '2025-01-01', 0),
  ('71', 'Астана қаласы', 'город Астана', 'Astana', 1638233, '2026-01-01', 1),
  ('75', 'Алматы қаласы', 'город Алматы', 'Almaty', 2347924, '2026-01-01', 1),
  ('79', 'Шымкент қаласы', 'город Шымкент', 'Shymkent', 1293648, '2026-01-01', 1);

INSERT INTO profiles (code, name_kk, name_ru, name_en) VALUES
  ('cardiac_surgery',          'Кардиохирургия',                'Кардиохирургия',              'Cardiac surgery'),
  ('cardiology',               'Кардиология',                   'Кардиология',                 'Cardiology'),
  ('neurosurgery',             'Нейрохирургия',                 'Нейрохирургия',               'Neurosurgery'),
  ('oncology',                 'Онкология',                     'Онкология',                   'Oncology'),
  ('hematology',               'Гематология',                   'Гематология',                 'Haematology'),
  ('transplantation',          'Трансплантология',              'Трансплантология',            'Transplantation'),
  ('ophthalmology',            'Офтальмология',                 'Офтальмология',               'Ophthalmology'),
  ('traumatology_orthopedics', 'Травматология және ортопедия',  'Травматология и ортопедия',   'Traumatology and orthopaedics'),
  ('uronephrology',            'Уронефрология',                 'Уронефрология',               'Uro-nephrology'),
  ('obstetrics_gynecology',    'Акушерлік және гинекология',    'Акушерство и гинекология',    'Obstetrics and gynaecology'),
  ('pediatric_surgery',        'Балалар хирургиясы',            'Детская хирургия',            'Paediatric surgery'),
  ('surgery',                  'Хирургия',                      'Хирургия',                    'Surgery');
)sql";

// Replaces every whole word `word` of `text` (outside quotes) with `by`.
std::string replace_word(std::string_view text, std::string_view word, std::string_view by) {
  std::string out;
  out.reserve(text.size());
  auto const is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  bool quoted = false;
  for (std::size_t i = 0; i < text.size();) {
    if (!quoted && text.substr(i, 2) == "--") {
      // A comment, to the end of its line (its apostrophes quote nothing).
      auto const end = text.find('\n', i);
      auto const stop = end == std::string_view::npos ? text.size() : end;
      out.append(text.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (text[i] == '\'') quoted = !quoted;
    if (!quoted && text.substr(i, word.size()) == word && (i == 0 || !is_name(text[i - 1])) &&
        (i + word.size() == text.size() || !is_name(text[i + word.size()]))) {
      out += by;
      i += word.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string date_check(Dialect dialect, std::string_view column) {
  if (dialect == Dialect::Sqlite) return fmt::format("date({0}, '+0 days') IS {0}", column);
  // The form first; then the day read back as it was written, so that 2026-02-30 is refused.
  return fmt::format(
      "{0} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' AND "
      "to_char(to_date({0}, 'YYYY-MM-DD'), 'YYYY-MM-DD') = {0}",
      column);
}

}  // namespace

std::string render_schema(Dialect dialect, std::string_view description) {
  auto const engines = render_marks(dialect, description);
  std::string out;
  out.reserve(engines.size());
  std::size_t at = 0;
  for (;;) {
    auto const open = engines.find("<<", at);
    out.append(engines.substr(at, open == std::string::npos ? std::string::npos : open - at));
    if (open == std::string::npos) break;
    auto const close = engines.find(">>", open);
    std::string_view const mark{engines.data() + open + 2, close - open - 2};
    if (mark == "id") {
      out += dialect == Dialect::Sqlite ? "INTEGER PRIMARY KEY"
                                        : "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    } else if (mark.starts_with("date ")) {
      out += date_check(dialect, mark.substr(5));
    } else {
      throw std::logic_error(fmt::format("the schema's description has an unknown mark <<{}>>", mark));
    }
    at = close + 2;
  }
  if (dialect == Dialect::Postgres) {
    out = replace_word(replace_word(out, "INTEGER", "BIGINT"), "BLOB", "BYTEA");
  }
  return out;
}

std::string baseline_schema(Dialect dialect) {
  return render_schema(dialect, kBaseline);
}

}  // namespace joldama::storage
