#include "storage/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "storage/schema.hpp"

namespace joldama::storage {

namespace {

// Migration 1: the schema. Every enum column is checked against its names; the quota invariant
// reserved + used <= allocated is the database's own rule; the audit log refuses updates and
// deletes.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE regions (
  code       TEXT PRIMARY KEY CHECK (code GLOB '[0-9][0-9]'),
  name_kk    TEXT NOT NULL,
  name_ru    TEXT NOT NULL,
  name_en    TEXT NOT NULL,
  population INTEGER NOT NULL CHECK (population >= 0)
) STRICT;

CREATE TABLE profiles (
  code    TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 40),
  name_kk TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL
) STRICT;

CREATE TABLE organizations (
  id     INTEGER PRIMARY KEY,
  name   TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('polyclinic', 'hospital')),
  level  TEXT NOT NULL CHECK (level IN ('local', 'regional', 'republican')),
  region TEXT NOT NULL REFERENCES regions (code)
) STRICT;

CREATE TABLE patients (
  id          INTEGER PRIMARY KEY,
  iin         TEXT NOT NULL UNIQUE CHECK (length(iin) = 12 AND iin NOT GLOB '*[^0-9]*'),
  last_name   TEXT NOT NULL,
  first_name  TEXT NOT NULL,
  middle_name TEXT NOT NULL DEFAULT '',
  birth_date  TEXT NOT NULL CHECK (date(birth_date, '+0 days') IS birth_date),
  sex         TEXT NOT NULL CHECK (sex IN ('male', 'female')),
  residency   TEXT NOT NULL CHECK (residency IN ('citizen', 'kandas', 'foreign_permanent',
                                                 'stateless_permanent', 'foreign_temporary')),
  region      TEXT NOT NULL REFERENCES regions (code),
  phone       TEXT NOT NULL DEFAULT '',
  insured     INTEGER NOT NULL CHECK (insured IN (0, 1)),
  registered_by_organization INTEGER NOT NULL REFERENCES organizations (id),
  created_at  INTEGER NOT NULL
) STRICT;
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
) STRICT, WITHOUT ROWID;

CREATE TABLE referrals (
  id                 INTEGER PRIMARY KEY,
  code               TEXT NOT NULL UNIQUE,
  state              TEXT NOT NULL CHECK (state IN (
                       'registered', 'commission_review', 'in_person_scheduled', 'info_requested',
                       'republican_review', 'waitlisted', 'talon_issued', 'scheduled', 'admitted',
                       'abroad_review', 'abroad_approved', 'completed', 'rejected', 'cancelled',
                       'expired', 'no_show')),
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
  planned_date       TEXT CHECK (planned_date IS NULL OR date(planned_date, '+0 days') IS planned_date),
  case_number        TEXT NOT NULL DEFAULT '',
  abroad_clinic      TEXT NOT NULL DEFAULT '',
  abroad_country     TEXT NOT NULL DEFAULT '',
  outcome            TEXT CHECK (outcome IN ('recovered', 'improved', 'unchanged', 'worsened', 'died')),
  final_icd10        TEXT NOT NULL DEFAULT '',
  -- A referral holds a quota exactly when it waits for, reserves or used a unit of one.
  CHECK ((quota_holding = 'none') = (quota_period IS NULL)),
  CHECK ((quota_period IS NULL) = (quota_region IS NULL AND quota_profile IS NULL)),
  -- It waits exactly when it is waitlisted, and reserves exactly while it holds a live talon.
  CHECK ((quota_holding = 'waiting') = (state = 'waitlisted')),
  CHECK ((quota_holding = 'reserved') = (state IN ('talon_issued', 'scheduled'))),
  CHECK (quota_holding <> 'used' OR state IN ('admitted', 'completed')),
  CHECK ((talon_number IS NULL) = (talon_issued_at IS NULL)),
  CHECK (talon_number IS NULL OR hospital_id IS NOT NULL)
) STRICT;
-- Worklists: a commission's region, a doctor's organization, a hospital's talons, by state,
-- profile and deadline; the sweep's deadline and validity scans; the waitlists.
CREATE INDEX referrals_by_region ON referrals (patient_region, state, deadline);
CREATE INDEX referrals_by_organization ON referrals (referring_organization_id, state, updated_at);
CREATE INDEX referrals_by_hospital ON referrals (hospital_id, state) WHERE talon_number IS NOT NULL;
CREATE INDEX referrals_by_state ON referrals (state, deadline);
CREATE INDEX referrals_by_profile ON referrals (profile, state);
CREATE INDEX referrals_by_patient ON referrals (patient_id);
CREATE INDEX referrals_unmarked_deadline ON referrals (deadline)
  WHERE deadline IS NOT NULL AND overdue_since IS NULL;
CREATE INDEX referrals_talon_validity ON referrals (talon_valid_until)
  WHERE state IN ('talon_issued', 'scheduled');
CREATE INDEX referrals_waitlist ON referrals (quota_region, quota_profile, waitlisted_at)
  WHERE state = 'waitlisted';

CREATE TABLE sequences (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL CHECK (value >= 1)
) STRICT, WITHOUT ROWID;

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
) STRICT;
CREATE INDEX audit_by_referral ON audit (referral_id, seq) WHERE referral_id IS NOT NULL;
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Migration 2: reference data every installation needs. Populations are approximate figures
// for the start of 2025, rounded to the thousand; an administrator replaces them with the Bureau
// of National Statistics' current estimates, since quotas are distributed by them.
constexpr std::string_view kReferenceData = R"sql(
INSERT INTO regions (code, name_kk, name_ru, name_en, population) VALUES
  ('10', 'Абай облысы',                 'Абайская область',              'Abai Region',             603000),
  ('11', 'Ақмола облысы',               'Акмолинская область',           'Akmola Region',           782000),
  ('15', 'Ақтөбе облысы',               'Актюбинская область',           'Aktobe Region',           946000),
  ('19', 'Алматы облысы',               'Алматинская область',           'Almaty Region',          1549000),
  ('23', 'Атырау облысы',               'Атырауская область',            'Atyrau Region',           709000),
  ('27', 'Батыс Қазақстан облысы',      'Западно-Казахстанская область', 'West Kazakhstan Region',  693000),
  ('31', 'Жамбыл облысы',               'Жамбылская область',            'Zhambyl Region',         1220000),
  ('33', 'Жетісу облысы',               'Жетысуская область',            'Zhetysu Region',          699000),
  ('35', 'Қарағанды облысы',            'Карагандинская область',        'Karaganda Region',       1131000),
  ('39', 'Қостанай облысы',             'Костанайская область',          'Kostanay Region',         829000),
  ('43', 'Қызылорда облысы',            'Кызылординская область',        'Kyzylorda Region',        842000),
  ('47', 'Маңғыстау облысы',            'Мангистауская область',         'Mangystau Region',        804000),
  ('55', 'Павлодар облысы',             'Павлодарская область',          'Pavlodar Region',         750000),
  ('59', 'Солтүстік Қазақстан облысы',  'Северо-Казахстанская область',  'North Kazakhstan Region', 527000),
  ('61', 'Түркістан облысы',            'Туркестанская область',         'Turkestan Region',       2140000),
  ('62', 'Ұлытау облысы',               'Улытауская область',            'Ulytau Region',           221000),
  ('63', 'Шығыс Қазақстан облысы',      'Восточно-Казахстанская область','East Kazakhstan Region',  707000),
  ('71', 'Астана қаласы',               'город Астана',                  'Astana',                 1510000),
  ('75', 'Алматы қаласы',               'город Алматы',                  'Almaty',                 2310000),
  ('79', 'Шымкент қаласы',              'город Шымкент',                 'Shymkent',               1250000);

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

// Migration 3: people and their sessions, idempotent writes, attached documents, and what the
// worklists sort and search by.
constexpr std::string_view kAccountsAndDocuments = R"sql(
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
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
  CHECK ((role IN ('doctor', 'hospital')) = (organization_id IS NOT NULL)),
  CHECK (role <> 'commission' OR region IS NOT NULL)
) STRICT;

-- Only hashes of session and CSRF tokens are kept: a copy of the file opens no session.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id      INTEGER NOT NULL REFERENCES users (id),
  csrf_hash    TEXT NOT NULL CHECK (length(csrf_hash) = 64),
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE idempotency_keys (
  user_id      INTEGER NOT NULL REFERENCES users (id),
  key          TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
  response     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  referral_id  INTEGER NOT NULL REFERENCES referrals (id),
  filename     TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 1024),
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size         INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes        BLOB NOT NULL CHECK (length(bytes) = size),
  uploaded_by  INTEGER NOT NULL,
  uploaded_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_referral ON attachments (referral_id);

-- Case-folded "last first middle", for the worklists' search box.
ALTER TABLE patients ADD COLUMN search_name TEXT NOT NULL DEFAULT '';

-- Worklist order: urgent first, then the longest in the current state, then the id.
ALTER TABLE referrals ADD COLUMN urgency_rank INTEGER
  GENERATED ALWAYS AS (CASE urgency WHEN 'urgent' THEN 0 ELSE 1 END) VIRTUAL;
CREATE INDEX referrals_worklist ON referrals (urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_region
  ON referrals (patient_region, urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_organization
  ON referrals (referring_organization_id, urgency_rank, state_since, id);
CREATE INDEX referrals_worklist_by_hospital
  ON referrals (hospital_id, urgency_rank, state_since, id) WHERE talon_number IS NOT NULL;
)sql";

// Migration 4: a referral's history without the reads of it. Every read of a patient's record
// is an audit event, so a much-read referral gathers many; its history must not slow down.
constexpr std::string_view kHistoryIndex = R"sql(
CREATE INDEX audit_history ON audit (referral_id, seq)
  WHERE referral_id IS NOT NULL AND action NOT IN ('read_referral', 'read_attachment');
)sql";

// Migration 5: lookups that stay as quick at a million referrals as at ten thousand.
// - A referral's history in one index range: the history's columns are in the index itself.
// - The worklists' queues, one per scope: a scope and a state are equalities, after which the
//   rows come in worklist order, so a page of a queue reads only its own rows (a filter of
//   several states reads each state's queue and merges them). Each entry also holds what
//   tells whether a worklist row changed (version, overdue mark), so that a page is found
//   without reading the table.
constexpr std::string_view kScaleIndexes = R"sql(
DROP INDEX audit_history;
CREATE INDEX audit_history ON audit (referral_id, seq, at, actor, role, action, detail)
  WHERE referral_id IS NOT NULL AND action NOT IN ('read_referral', 'read_attachment');

DROP INDEX referrals_by_region;
DROP INDEX referrals_by_organization;
DROP INDEX referrals_by_hospital;
DROP INDEX referrals_by_state;
CREATE INDEX referrals_queue
  ON referrals (state, urgency_rank, state_since, id, version, overdue_since);
CREATE INDEX referrals_queue_by_region
  ON referrals (patient_region, state, urgency_rank, state_since, id, version, overdue_since);
CREATE INDEX referrals_queue_by_organization
  ON referrals (referring_organization_id, state, urgency_rank, state_since, id, version,
                overdue_since);
CREATE INDEX referrals_queue_by_hospital
  ON referrals (hospital_id, state, urgency_rank, state_since, id, version, overdue_since)
  WHERE talon_number IS NOT NULL;
)sql";

// 6: idempotency records are forgotten after a while (see ServerConfig::idempotency_keys_for);
// the sweep finds the old ones by age.
constexpr std::string_view kIdempotencyByAge = R"sql(
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
)sql";

// 7: the reads of a referral are found by partition. Every read of a patient's record is an
// audit event, and one index entry per read keyed by referral alone lands on a random page of
// an index as big as the whole audit: at a million referrals, each read cost the writer a page
// fetched and a page written, and the checkpointer a page copied. Keyed by the partition of
// 1,048,576 events first (`seq / 1048576`, written the same in storage/audit_queries.hpp, which
// the planner matches literally), new entries land among the newest partition's few thousand
// pages, which stay cached. A referral's audit view looks in each partition of its lifetime.
// The other events of a referral are found through audit_history (migration 5), which holds
// (referral_id, seq) for every event but reads; audit_by_referral is no longer needed.
constexpr std::string_view kReadsByPartition = R"sql(
DROP INDEX audit_by_referral;
CREATE INDEX audit_reads ON audit (seq / 1048576, referral_id, seq)
  WHERE referral_id IS NOT NULL AND action IN ('read_referral', 'read_attachment');
)sql";

// 8: the sign-in throttle's counters survive a restart (a crash must not forgive failures).
// Keys hold a hash of the login, never the text typed into the login field.
constexpr std::string_view kLoginFailures = R"sql(
CREATE TABLE login_failures (
  key      TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
  failures INTEGER NOT NULL CHECK (failures >= 1),
  first_at INTEGER NOT NULL,
  last_at  INTEGER NOT NULL CHECK (last_at >= first_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_failures_by_age ON login_failures (last_at);
)sql";

// 9: a doctor's access to the record of a patient from elsewhere is an explicit act with a
// reason, granted to their organization, counted per doctor and day, listed for administrators.
constexpr std::string_view kPatientAccesses = R"sql(
CREATE TABLE patient_accesses (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  user_id         INTEGER NOT NULL REFERENCES users (id),
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  patient_id      INTEGER REFERENCES patients (id),
  reason          TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000)
) STRICT;
CREATE INDEX patient_accesses_granted ON patient_accesses (patient_id, organization_id)
  WHERE patient_id IS NOT NULL;
CREATE INDEX patient_accesses_by_user ON patient_accesses (user_id, at);
)sql";

// 10: a password an administrator chose must be replaced by the user at their next sign-in.
constexpr std::string_view kPasswordChange = R"sql(
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK (must_change_password IN (0, 1));
)sql";

// 11: the Russian names of the three regions formed in 2022 as the President's decree of
// 3 May 2022 "О некоторых вопросах административно-территориального устройства Республики
// Казахстан" (in force from 8 June 2022) names them.
constexpr std::string_view kRegionNames = R"sql(
UPDATE regions SET name_ru = 'область Абай' WHERE code = '10';
UPDATE regions SET name_ru = 'область Жетісу' WHERE code = '33';
UPDATE regions SET name_ru = 'область Ұлытау' WHERE code = '62';
)sql";

// 12: hospitals say what they treat and which routes they take, and publish their planned
// places per profile and day; referrals gain the planned route.
// - A hospital that existed before keeps receiving what it could: high-technology talons of
//   every profile, until an administrator narrows that down.
// - The referrals table is rebuilt (SQLite cannot change a CHECK in place): the new state
//   booking_requested, the route, the booked day and whether a place is held, and the rules that
//   tie them (a planned referral never holds a quota; it holds a place exactly while scheduled,
//   and keeps it once admitted). `addressed_to` is the hospital a referral is addressed to (the
//   talon's, or the one asked to confirm a booking), written as addressed_hospital() in
//   workflow/decide.cpp says; the hospitals' worklists are queued by it.
constexpr std::string_view kPlannedRoute = R"sql(
ALTER TABLE organizations ADD COLUMN accepts_planned INTEGER NOT NULL DEFAULT 0
  CHECK (accepts_planned IN (0, 1));
ALTER TABLE organizations ADD COLUMN accepts_high_tech INTEGER NOT NULL DEFAULT 0
  CHECK (accepts_high_tech IN (0, 1));
UPDATE organizations SET accepts_high_tech = 1 WHERE kind = 'hospital';

CREATE TABLE organization_profiles (
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  profile         TEXT NOT NULL REFERENCES profiles (code),
  PRIMARY KEY (organization_id, profile)
) STRICT, WITHOUT ROWID;
CREATE INDEX organization_profiles_by_profile ON organization_profiles (profile, organization_id);
INSERT INTO organization_profiles (organization_id, profile)
  SELECT o.id, p.code FROM organizations AS o CROSS JOIN profiles AS p WHERE o.kind = 'hospital';

CREATE TABLE places (
  hospital_id INTEGER NOT NULL REFERENCES organizations (id),
  profile     TEXT NOT NULL REFERENCES profiles (code),
  date        TEXT NOT NULL CHECK (date(date, '+0 days') IS date),
  capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 10000),
  booked      INTEGER NOT NULL CHECK (booked >= 0),
  CHECK (booked <= capacity),
  PRIMARY KEY (hospital_id, profile, date)
) STRICT, WITHOUT ROWID;
CREATE INDEX places_by_day ON places (date, profile);

CREATE TABLE referrals_rebuilt (
  id                 INTEGER PRIMARY KEY,
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
  planned_date       TEXT CHECK (planned_date IS NULL OR date(planned_date, '+0 days') IS planned_date),
  case_number        TEXT NOT NULL DEFAULT '',
  abroad_clinic      TEXT NOT NULL DEFAULT '',
  abroad_country     TEXT NOT NULL DEFAULT '',
  outcome            TEXT CHECK (outcome IN ('recovered', 'improved', 'unchanged', 'worsened', 'died')),
  final_icd10        TEXT NOT NULL DEFAULT '',
  route              TEXT NOT NULL DEFAULT 'high_tech' CHECK (route IN ('planned', 'high_tech')),
  booking_date       TEXT CHECK (booking_date IS NULL OR date(booking_date, '+0 days') IS booking_date),
  place_held         INTEGER NOT NULL DEFAULT 0 CHECK (place_held IN (0, 1)),
  urgency_rank       INTEGER GENERATED ALWAYS AS (CASE urgency WHEN 'urgent' THEN 0 ELSE 1 END) VIRTUAL,
  addressed_to       INTEGER GENERATED ALWAYS AS (
                       CASE WHEN talon_number IS NOT NULL OR state = 'booking_requested'
                            THEN hospital_id END) VIRTUAL,
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
) STRICT;
INSERT INTO referrals_rebuilt (
       id, code, state, version, patient_id, patient_iin, patient_region, icd10, profile, urgency,
       care_form, justification, referring_organization_id, created_by, created_at, updated_at,
       state_since, deadline, paused_working_days, overdue_since, decision_mode, protocol, exam_at,
       exam_place, quota_period, quota_region, quota_profile, quota_holding, waitlisted_at,
       hospital_id, talon_number, talon_issued_at, talon_valid_until, planned_date, case_number,
       abroad_clinic, abroad_country, outcome, final_icd10)
SELECT id, code, state, version, patient_id, patient_iin, patient_region, icd10, profile, urgency,
       care_form, justification, referring_organization_id, created_by, created_at, updated_at,
       state_since, deadline, paused_working_days, overdue_since, decision_mode, protocol, exam_at,
       exam_place, quota_period, quota_region, quota_profile, quota_holding, waitlisted_at,
       hospital_id, talon_number, talon_issued_at, talon_valid_until, planned_date, case_number,
       abroad_clinic, abroad_country, outcome, final_icd10
FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_rebuilt RENAME TO referrals;

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
)sql";

// The public free places of a region and a profile: the region's hospitals first, then each
// one's days of the profile by the primary key; without a region, the profile's days.
constexpr std::string_view kPlacesByRegion = R"sql(
CREATE INDEX organizations_by_region ON organizations (region, kind);
CREATE INDEX places_by_profile ON places (profile, date);
)sql";

// 14: populations as the Bureau of National Statistics published them, each with the day it
// counts, since quotas are distributed by them. The Bureau's report of 2 February 2026 on the
// population at 1 January 2026 (as Kazinform, BAQ.kz and Alau.kz reported it that day) names ten
// regions; Mangystau's 1 January 2025 figure is the Bureau's as Lada.kz reported it on
// 5 January 2026. The other nine keep the approximate start-of-2025 figures of migration 2 (no
// source reachable from here gave the Bureau's for them) until a later migration brings them:
// `population_exact` and `population_as_of` say which figure is which.
constexpr std::string_view kPopulations = R"sql(
ALTER TABLE regions ADD COLUMN population_as_of TEXT NOT NULL DEFAULT '2025-01-01'
  CHECK (population_as_of GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');
ALTER TABLE regions ADD COLUMN population_exact INTEGER NOT NULL DEFAULT 0
  CHECK (population_exact IN (0, 1));
UPDATE regions SET population = 2347924, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '75';
UPDATE regions SET population = 2148658, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '61';
UPDATE regions SET population = 1638233, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '71';
UPDATE regions SET population = 1596331, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '19';
UPDATE regions SET population = 1293648, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '79';
UPDATE regions SET population = 1215373, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '31';
UPDATE regions SET population = 1131287, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '35';
UPDATE regions SET population = 595676, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '10';
UPDATE regions SET population = 514156, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '59';
UPDATE regions SET population = 218993, population_as_of = '2026-01-01', population_exact = 1
  WHERE code = '62';
UPDATE regions SET population = 805156, population_as_of = '2025-01-01', population_exact = 1
  WHERE code = '47';
)sql";

// 15: lists sorted by the deadline or the registration, page by page from an index in each
// scope a role reads (all, a region, a referring organization, a hospital addressed), and a
// doctor's own referrals. `due_key` puts the referrals without a deadline last.
constexpr std::string_view kSortedLists = R"sql(
ALTER TABLE referrals ADD COLUMN due_key INTEGER
  GENERATED ALWAYS AS (coalesce(deadline, 9223372036854775807)) VIRTUAL;
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
)sql";

// 16: the days off an administrator adds while the bureau runs (a day moved by an order
// published after the calendar file was read); the server adds them to the file's at start.
constexpr std::string_view kAnnouncedDaysOff = R"sql(
CREATE TABLE announced_days_off (
  day          TEXT PRIMARY KEY CHECK (date(day, '+0 days') IS day),
  description  TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
  announced_by TEXT NOT NULL,
  announced_at INTEGER NOT NULL
) STRICT;
)sql";

// 17: what a talon tells the patient of the hospital (its address and telephone), and a
// commission's sitting found by its protocol number within the region.
constexpr std::string_view kContactsAndProtocols = R"sql(
ALTER TABLE organizations ADD COLUMN address TEXT NOT NULL DEFAULT ''
  CHECK (length(address) <= 300);
ALTER TABLE organizations ADD COLUMN phone TEXT NOT NULL DEFAULT ''
  CHECK (phone = '' OR (length(phone) = 12 AND phone GLOB '+7[0-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*'));
CREATE INDEX referrals_by_protocol ON referrals (patient_region, protocol) WHERE protocol <> '';
)sql";

// 18: the staff's inboxes, each notice written with the change it tells of; the accounts found
// by role and region (the commission of a region, the staff of a hospital) to address them; the
// deadlines already reminded of.
constexpr std::string_view kNotifications = R"sql(
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('info_requested', 'decision_made', 'referral_arrived',
                                            'talon_arrived', 'booking_arrived', 'promoted',
                                            'deadline_due')),
  referral_id INTEGER REFERENCES referrals (id),
  read_at     INTEGER
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_by_age ON notifications (at);
CREATE INDEX users_by_role ON users (role, region, organization_id);
-- The deadline each referral's step was reminded of: once per step, again when it moves.
CREATE TABLE deadline_reminders (
  referral_id INTEGER PRIMARY KEY REFERENCES referrals (id),
  deadline    INTEGER NOT NULL
) STRICT;
)sql";

// 19: what a patient is told and how: their e-mail address and the language of their messages;
// the outbox of messages to patients, from the change that causes each to its delivery (one
// row per message, its idempotency key unique); the admissions whose patient was reminded the
// day before; the scheduled referrals found by their day.
constexpr std::string_view kPatientMessages = R"sql(
ALTER TABLE patients ADD COLUMN email TEXT NOT NULL DEFAULT ''
  CHECK (email = '' OR (length(email) <= 254 AND email GLOB '?*@?*.?*' AND email NOT GLOB '*[ ]*'));
ALTER TABLE patients ADD COLUMN language TEXT NOT NULL DEFAULT 'kk' CHECK (language IN ('kk', 'ru'));
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
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
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('pending', 'failed');
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE INDEX outbox_sent_by_age ON outbox (sent_at) WHERE state = 'sent';
CREATE TABLE admission_reminders (
  referral_id INTEGER PRIMARY KEY REFERENCES referrals (id),
  day         TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_scheduled_by_day ON referrals (planned_date) WHERE state = 'scheduled';
)sql";

// 20: the reports' counters (workflow/report_counts.hpp), moved in the transaction of each
// change so that a report reads summary rows, never every referral. What the referrals and the
// audit log already tell is counted here once: the referrals by month, route and fate, the
// waitlists as they stand, the reasons given. Stage times and the quota's monthly moves are
// counted from this version on.
constexpr std::string_view kReportCounters = R"sql(
CREATE TABLE report_counters (
  report  TEXT NOT NULL,
  region  TEXT NOT NULL,
  profile TEXT NOT NULL,
  bucket  TEXT NOT NULL,
  series  TEXT NOT NULL,
  value   INTEGER NOT NULL,
  PRIMARY KEY (report, region, profile, bucket, series)
) STRICT, WITHOUT ROWID;
WITH r AS (
  SELECT patient_region AS region, profile,
         strftime('%Y-%m', created_at / 1000 + 18000, 'unixepoch') AS bucket,
         route || '|' || CASE WHEN state IN ('completed', 'rejected', 'cancelled', 'expired',
                                             'no_show') THEN state ELSE 'open' END AS series
  FROM referrals),
w AS (
  SELECT patient_region AS region, profile,
         date(waitlisted_at / 1000 + 18000, 'unixepoch') AS bucket, '' AS series
  FROM referrals WHERE state = 'waitlisted' AND waitlisted_at IS NOT NULL),
counted AS (
  SELECT 'referrals' AS report, region, profile, bucket, series FROM r
  UNION ALL SELECT 'referrals', '*', profile, bucket, series FROM r
  UNION ALL SELECT 'referrals', region, '*', bucket, series FROM r
  UNION ALL SELECT 'referrals', '*', '*', bucket, series FROM r
  UNION ALL SELECT 'waiting', region, profile, bucket, series FROM w
  UNION ALL SELECT 'waiting', '*', profile, bucket, series FROM w
  UNION ALL SELECT 'waiting', region, '*', bucket, series FROM w
  UNION ALL SELECT 'waiting', '*', '*', bucket, series FROM w)
INSERT INTO report_counters (report, region, profile, bucket, series, value)
SELECT report, region, profile, bucket, series, count(*) FROM counted
GROUP BY report, region, profile, bucket, series;
WITH g AS (
  SELECT r.patient_region AS region, date(a.at / 1000 + 18000, 'unixepoch') AS day,
         a.action || '|' || json_extract(a.detail, '$.reason_code') AS series
  FROM audit AS a JOIN referrals AS r ON r.id = a.referral_id
  WHERE a.referral_id IS NOT NULL AND a.action IN ('reject', 'decline', 'refuse', 'cancel')
    AND json_extract(a.detail, '$.reason_code') IS NOT NULL),
counted AS (
  SELECT 'reasons_day' AS report, region, day AS bucket, series FROM g
  UNION ALL SELECT 'reasons_day', '*', day, series FROM g
  UNION ALL SELECT 'reasons_month', region, substr(day, 1, 7), series FROM g
  UNION ALL SELECT 'reasons_month', '*', substr(day, 1, 7), series FROM g)
INSERT INTO report_counters (report, region, profile, bucket, series, value)
SELECT report, region, '*', bucket, series, count(*) FROM counted
GROUP BY report, region, bucket, series;
)sql";

// 21: each waitlist summed up (workflow/report_counts.hpp, counter::kWaitingSummary) from its
// rows by the day joined: how many wait, the day the longest waiter joined and the day joined of
// the waiter at the median wait (nearest rank counted from the latest joined), in days since
// 1970-01-01. From this version on the workflow sums a list up again whenever someone joins or
// leaves it, and the report reads these rows alone.
constexpr std::string_view kWaitlistSummaries = R"sql(
WITH days AS (
  SELECT region, profile, CAST(julianday(bucket) - 2440587.5 AS INTEGER) AS day,
         sum(value) OVER (PARTITION BY region, profile ORDER BY bucket DESC
                          ROWS UNBOUNDED PRECEDING) AS joined_since,
         sum(value) OVER (PARTITION BY region, profile) AS length
  FROM report_counters WHERE report = 'waiting' AND value > 0),
lists AS (
  SELECT region, profile, max(length) AS length, min(day) AS earliest,
         max(CASE WHEN joined_since >= (length + 1) / 2 THEN day END) AS median
  FROM days GROUP BY region, profile)
INSERT INTO report_counters (report, region, profile, bucket, series, value)
SELECT 'waiting_summary', region, profile, '', 'length', length FROM lists
UNION ALL SELECT 'waiting_summary', region, profile, '', 'earliest', earliest FROM lists
UNION ALL SELECT 'waiting_summary', region, profile, '', 'median', median FROM lists;
)sql";

// 22: each waitlist's summary in one row of its own instead of three counters, so that the
// report reads one row per list it shows (issue 18: at a million referrals the report read the
// three counters of every list and of every sum, and fell to 0.57 of its rate at 10,000).
constexpr std::string_view kWaitlistSummaryRows = R"sql(
CREATE TABLE waitlist_summaries (
  region       TEXT NOT NULL,
  profile      TEXT NOT NULL,
  length       INTEGER NOT NULL CHECK (length > 0),
  earliest_day INTEGER NOT NULL,  -- days since 1970-01-01 that the longest waiter joined
  median_day   INTEGER NOT NULL CHECK (median_day >= earliest_day),
  PRIMARY KEY (region, profile)
) WITHOUT ROWID;
INSERT INTO waitlist_summaries (region, profile, length, earliest_day, median_day)
SELECT region, profile,
       max(CASE series WHEN 'length' THEN value END),
       max(CASE series WHEN 'earliest' THEN value END),
       max(CASE series WHEN 'median' THEN value END)
FROM report_counters WHERE report = 'waiting_summary'
GROUP BY region, profile
HAVING max(CASE series WHEN 'length' THEN value END) > 0;
DELETE FROM report_counters WHERE report = 'waiting_summary';
)sql";

struct Migration {
  std::string_view sql;
  // Rebuilds a table others refer to: foreign keys are off while it runs (SQLite's documented
  // way to change a table's definition), and checked before it commits.
  bool rebuilds_tables = false;
};

// SQLite's history up to the baseline (storage/schema.hpp), for files made before it.
constexpr std::array<Migration, kBaselineVersion> kHistory{{
    {kSchema},
    {kReferenceData},
    {kAccountsAndDocuments},
    {kHistoryIndex},
    {kScaleIndexes},
    {kIdempotencyByAge},
    {kReadsByPartition},
    {kLoginFailures},
    {kPatientAccesses},
    {kPasswordChange},
    {kRegionNames},
    {kPlannedRoute, true},
    {kPlacesByRegion},
    {kPopulations},
    {kSortedLists},
    {kAnnouncedDaysOff},
    {kContactsAndProtocols},
    {kNotifications},
    {kPatientMessages},
    {kReportCounters},
    {kWaitlistSummaries},
    {kWaitlistSummaryRows},
}};


// The migrations after the baseline, written once for both engines (see render_schema).
//
// 23: the profiles in the order the bureau lists them, which SQLite kept as the order they were
// added in (its rowid) and PostgreSQL has no word for.
constexpr std::string_view kProfileOrder = R"sql(
ALTER TABLE profiles ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE profiles SET position = CASE code
  WHEN 'cardiac_surgery' THEN 1 WHEN 'cardiology' THEN 2 WHEN 'neurosurgery' THEN 3
  WHEN 'oncology' THEN 4 WHEN 'hematology' THEN 5 WHEN 'transplantation' THEN 6
  WHEN 'ophthalmology' THEN 7 WHEN 'traumatology_orthopedics' THEN 8 WHEN 'uronephrology' THEN 9
  WHEN 'obstetrics_gynecology' THEN 10 WHEN 'pediatric_surgery' THEN 11 WHEN 'surgery' THEN 12
  ELSE 100 END;
)sql";

// 24: several servers on one PostgreSQL database hear of what the others changed of what each
// keeps in memory (storage/coordination.hpp): a user, a session's end or trust, a day off. The
// database itself tells, in the transaction of the change, whichever server made it. SQLite
// serves one server to a file: nothing to tell.
constexpr std::string_view kChangeNotices = R"sql(
<<postgres:
CREATE FUNCTION joldama_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('joldama_accounts', ''); RETURN NULL; END $$;
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION joldama_accounts_changed();
CREATE TRIGGER sessions_changed AFTER DELETE OR UPDATE OF csrf_hash, expires_at ON sessions
  FOR EACH ROW EXECUTE FUNCTION joldama_accounts_changed();
CREATE FUNCTION joldama_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('joldama_calendar', ''); RETURN NULL; END $$;
CREATE TRIGGER days_off_changed AFTER INSERT OR UPDATE OR DELETE ON announced_days_off
  FOR EACH ROW EXECUTE FUNCTION joldama_calendar_changed();
>>
)sql";

constexpr std::array<std::string_view, 2> kForward{{
    kProfileOrder,
    kChangeNotices,
}};

// Fails if any row refers to a row that does not exist.
Status check_foreign_keys(Database& db) {
  auto check = db.prepare("PRAGMA foreign_key_check");
  if (!check) return check.error();
  auto row = check->step();
  if (!row) return row.error();
  if (*row) {
    return make_error(Errc::Internal,
                      fmt::format("a row of {} refers to a missing row of {}", check->text(0),
                                  check->text(2)));
  }
  return ok();
}

}  // namespace

int schema_version() {
  return kBaselineVersion + static_cast<int>(kForward.size());
}

namespace {

Error newer_than_this_program(int version) {
  return make_error(Errc::Unavailable,
                    fmt::format("the database has schema version {}, newer than this program's "
                                "{}; use a newer Joldama",
                                version, schema_version()));
}

// --- SQLite ------------------------------------------------------------------------------------

Result<int> sqlite_version(Database& db) {
  auto version_query = db.prepare("PRAGMA user_version");
  if (!version_query) return version_query.error();
  auto row = version_query->step();
  if (!row) return row.error();
  return *row ? version_query->int32(0) : 0;
}

// Runs `sql` as migration `version` in a transaction of its own, and records the version.
Status sqlite_apply(Database& db, std::string_view sql, int version, bool rebuilds_tables) {
  // The pragma is a no-op inside a transaction, so it is set before and after.
  if (rebuilds_tables) {
    if (auto s = db.exec("PRAGMA foreign_keys = OFF"); !s) return s;
  }
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s;
  auto applied = db.exec(sql);
  if (applied && rebuilds_tables) applied = check_foreign_keys(db);
  // user_version takes no bound parameter; the value is our own integer, never input.
  if (applied) applied = db.exec(fmt::format("PRAGMA user_version = {}", version));
  if (applied) applied = db.exec("COMMIT");
  if (!applied) (void)db.exec("ROLLBACK");
  if (rebuilds_tables) {
    if (auto s = db.exec("PRAGMA foreign_keys = ON"); !s && applied) return s;
  }
  if (!applied) {
    auto error = applied.error();
    error.message = fmt::format("migration {} failed: {}", version, error.message);
    return error;
  }
  return ok();
}

Status sqlite_migrate(Database& db, int current, int target) {
  if (current == 0 && target >= kBaselineVersion) {
    if (auto s = sqlite_apply(db, baseline_schema(Dialect::Sqlite), kBaselineVersion, false); !s) {
      return s;
    }
    current = kBaselineVersion;
  }
  for (int version = current; version < std::min(target, kBaselineVersion); ++version) {
    auto const& migration = kHistory[static_cast<std::size_t>(version)];
    if (auto s = sqlite_apply(db, migration.sql, version + 1, migration.rebuilds_tables); !s) {
      return s;
    }
  }
  for (int version = std::max(current, kBaselineVersion); version < target; ++version) {
    auto const sql =
        render_schema(Dialect::Sqlite, kForward[static_cast<std::size_t>(version - kBaselineVersion)]);
    if (auto s = sqlite_apply(db, sql, version + 1, false); !s) return s;
  }
  return ok();
}

// --- PostgreSQL --------------------------------------------------------------------------------

// Whichever server takes it migrates; the others wait, then find the work done.
constexpr char const* kMigrationLock = "SELECT pg_advisory_xact_lock(7470001)";

Result<int> postgres_version(Database& db) {
  auto exists = db.prepare("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!exists) return exists.error();
  auto row = exists->step();
  if (!row) return row.error();
  if (!*row || exists->text(0) != "t") return 0;
  *exists = Statement{};
  auto version = db.prepare("SELECT version FROM schema_version");
  if (!version) return version.error();
  row = version->step();
  if (!row) return row.error();
  return *row ? version->int32(0) : 0;
}

Status postgres_migrate(Database& db, int target) {
  for (;;) {
    if (auto s = db.exec("BEGIN"); !s) return s;
    auto step = [&]() -> Result<bool> {
      if (auto s = db.run(kMigrationLock); !s) return s.error();
      auto current = postgres_version(db);
      if (!current) return current.error();
      if (*current > schema_version()) return newer_than_this_program(*current);
      if (*current >= target) return false;
      std::string sql;
      int next = 0;
      if (*current == 0) {
        sql = baseline_schema(Dialect::Postgres) +
              "\nCREATE TABLE schema_version (version INTEGER NOT NULL);\n"
              "INSERT INTO schema_version (version) VALUES (0);\n";
        next = kBaselineVersion;
      } else if (*current < kBaselineVersion) {
        return make_error(Errc::Unavailable,
                          fmt::format("the database has schema version {}, below the baseline "
                                      "{} that PostgreSQL starts from",
                                      *current, kBaselineVersion));
      } else {
        sql = render_schema(Dialect::Postgres,
                            kForward[static_cast<std::size_t>(*current - kBaselineVersion)]);
        next = *current + 1;
      }
      if (auto s = db.exec(sql); !s) return s.error();
      auto record = db.prepare("UPDATE schema_version SET version = ?1");
      if (!record) return record.error();
      record->bind(1, next);
      if (auto s = record->run(); !s) return s.error();
      return true;
    };
    auto advanced = step();
    if (!advanced || !*advanced) {
      (void)db.exec("ROLLBACK");
      if (!advanced) return advanced.error();
      return ok();
    }
    if (auto s = db.exec("COMMIT"); !s) {
      (void)db.exec("ROLLBACK");
      return s;
    }
  }
}

}  // namespace

Result<int> stored_schema_version(Database& db) {
  return db.dialect() == Dialect::Sqlite ? sqlite_version(db) : postgres_version(db);
}

Status migrate(Database& db) {
  return migrate(db, schema_version());
}

Status migrate(Database& db, int target) {
  Status migrated = ok();
  if (db.dialect() == Dialect::Postgres) {
    migrated = postgres_migrate(db, target);
  } else {
    auto current = sqlite_version(db);
    if (!current) return current.error();
    if (*current > schema_version()) return newer_than_this_program(*current);
    migrated = sqlite_migrate(db, *current, target);
  }
  return migrated;
}

}  // namespace joldama::storage
