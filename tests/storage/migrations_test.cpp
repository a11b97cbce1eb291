#include "storage/migrations.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <tuple>
#include <vector>

#include "storage/writer.hpp"
#include "workflow/report_counts.hpp"
#include "tests/support/temp_dir.hpp"

namespace joldama::storage {
namespace {

using testing::TempDir;

std::int64_t scalar(Database& db, std::string const& sql) {
  auto s = db.prepare(sql);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->step().value());
  return s->int64(0);
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteDatabase::open(dir.file("j.db"), SqliteDatabase::Access::ReadWrite);
    ASSERT_TRUE(opened.has_value());
    db.emplace(std::move(*opened));
    auto const migrated = migrate(*db);
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
  }
  TempDir dir;
  std::optional<SqliteDatabase> db;
};

TEST_F(MigrationsTest, BringsAFreshDatabaseToTheCurrentVersionWithReferenceData) {
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), schema_version());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions"), 20);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM profiles"), 12);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions WHERE population <= 0"), 0);
}

TEST_F(MigrationsTest, TheRegionsOf2022HaveTheRussianNamesOfTheDecree) {
  auto const name = [&](std::string const& code) {
    auto s = db->prepare("SELECT name_ru FROM regions WHERE code = ?1");
    s->bind(1, code);
    EXPECT_TRUE(s->step().value());
    return s->text(0);
  };
  EXPECT_EQ(name("10"), "область Абай");
  EXPECT_EQ(name("33"), "область Жетісу");
  EXPECT_EQ(name("62"), "область Ұлытау");
  EXPECT_EQ(name("11"), "Акмолинская область");
}

TEST_F(MigrationsTest, PopulationsAreTheBureausWithTheDayTheyCount) {
  auto const figure = [&](std::string const& code) {
    auto s = db->prepare(
        "SELECT population, population_as_of, population_exact FROM regions WHERE code = ?1");
    s->bind(1, code);
    EXPECT_TRUE(s->step().value());
    return std::tuple{s->int64(0), s->text(1), s->int64(2)};
  };
  EXPECT_EQ(figure("75"), std::tuple(2347924, std::string("2026-01-01"), 1));
  EXPECT_EQ(figure("62"), std::tuple(218993, std::string("2026-01-01"), 1));
  EXPECT_EQ(figure("47"), std::tuple(805156, std::string("2025-01-01"), 1));
  // An estimate says it is one, and which year it is of.
  EXPECT_EQ(figure("11"), std::tuple(782000, std::string("2025-01-01"), 0));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions WHERE population_exact = 1"), 11);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions WHERE population_as_of < '2025-01-01'"), 0);
}

TEST_F(MigrationsTest, IsIdempotent) {
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions"), 20);
}

TEST_F(MigrationsTest, RefusesADatabaseFromANewerProgram) {
  ASSERT_TRUE(db->exec("PRAGMA user_version = 99"));
  auto const refused = migrate(*db);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("newer"), std::string::npos);
}

TEST_F(MigrationsTest, QuotaInvariantIsTheDatabasesOwnRule) {
  EXPECT_TRUE(db->exec("INSERT INTO quotas VALUES (2026, '75', 'oncology', 3, 2, 1)"));
  EXPECT_FALSE(db->exec("UPDATE quotas SET reserved = 3"));   // 3 + 1 > 3
  EXPECT_FALSE(db->exec("UPDATE quotas SET used = -1"));      // negative
  EXPECT_FALSE(db->exec("UPDATE quotas SET allocated = 2"));  // below usage
  EXPECT_FALSE(db->exec("INSERT INTO quotas VALUES (2026, '99', 'oncology', 1, 0, 0)"));  // FK
  EXPECT_EQ(scalar(*db, "SELECT reserved + used FROM quotas"), 3);
}

TEST_F(MigrationsTest, EnumColumnsAcceptOnlyTheirNames) {
  ASSERT_TRUE(db->exec(
      "INSERT INTO organizations (id, name, kind, level, region) VALUES (1, 'P', 'polyclinic', "
      "'local', '75')"));
  EXPECT_FALSE(
      db->exec("INSERT INTO organizations (name, kind, level, region) VALUES ('X', 'pharmacy', "
               "'local', '75')"));
  ASSERT_TRUE(db->exec(
      "INSERT INTO patients (id, iin, last_name, first_name, birth_date, sex, residency, region, "
      "insured, registered_by_organization, created_at) VALUES (1, '850715300122', 'A', 'B', "
      "'1985-07-15', 'male', 'citizen', '75', 1, 1, 0)"));
  EXPECT_FALSE(db->exec(
      "INSERT INTO patients (iin, last_name, first_name, birth_date, sex, residency, region, "
      "insured, registered_by_organization, created_at) VALUES ('061211600012', 'A', 'B', "
      "'2006-02-30', 'male', 'citizen', '75', 1, 1, 0)"));  // no 30 February
  int code = 0;
  auto const referral = [&](std::string const& state, std::string const& holding) {
    ++code;
    return db->exec(
        "INSERT INTO referrals (code, state, version, patient_id, patient_iin, patient_region, "
        "icd10, profile, urgency, care_form, justification, referring_organization_id, "
        "created_by, created_at, updated_at, state_since, quota_holding) VALUES ('75-26-" +
        std::to_string(1000000 + code) + "', '" + state +
        "', 1, 1, '850715300122', '75', 'I25.1', 'oncology', 'routine', 'inpatient', 'x', 1, 1, "
        "0, 0, 0, '" +
        holding + "')");
  };
  EXPECT_TRUE(referral("registered", "none"));
  EXPECT_FALSE(referral("approved", "none"));        // not a state
  EXPECT_FALSE(referral("registered", "borrowed"));  // not a holding
  EXPECT_FALSE(referral("waitlisted", "none"));      // waitlisted must wait for a quota
  EXPECT_FALSE(referral("talon_issued", "none"));    // a live talon must hold a unit
}

TEST_F(MigrationsTest, TheAuditLogIsAppendOnly) {
  ASSERT_TRUE(db->exec("INSERT INTO audit VALUES (1, 0, 'system', 'system', 'x', NULL, '{}', '" +
                       std::string(64, '0') + "', '" + std::string(64, 'a') + "')"));
  auto const update = db->exec("UPDATE audit SET actor = 'mallory'");
  ASSERT_FALSE(update.has_value());
  EXPECT_NE(update.error().message.find("append-only"), std::string::npos);
  EXPECT_FALSE(db->exec("DELETE FROM audit"));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM audit WHERE actor = 'system'"), 1);
}

TEST(Migrations, ReadsRecordedBeforeVersion7AreIndexedByPartition) {
  // A database of version 6: its reads were in audit_by_referral.
  TempDir old_dir;
  auto opened = SqliteDatabase::open(old_dir.file("v6.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(opened.has_value());
  std::optional<SqliteDatabase> db{std::move(*opened)};
  ASSERT_TRUE(migrate(*db, 6));
  ASSERT_EQ(scalar(*db, "PRAGMA user_version"), 6);
  ASSERT_TRUE(db->exec(
      "INSERT INTO organizations (id, name, kind, level, region) "
      "  VALUES (1, 'P', 'polyclinic', 'local', '75');"
      "INSERT INTO patients (id, iin, last_name, first_name, birth_date, sex, residency, region, "
      "  insured, registered_by_organization, created_at) VALUES (1, '850715300122', 'A', 'B', "
      "  '1985-07-15', 'male', 'citizen', '75', 1, 1, 0);"
      "INSERT INTO referrals (id, code, state, version, patient_id, patient_iin, patient_region, "
      "  icd10, profile, urgency, care_form, justification, referring_organization_id, "
      "  created_by, created_at, updated_at, state_since, quota_holding) VALUES (1, "
      "  '75-26-1000001', 'registered', 1, 1, '850715300122', '75', 'I25.1', 'oncology', "
      "  'routine', 'inpatient', 'x', 1, 1, 0, 0, 0, 'none');"));
  std::string const hashes = fmt::format("'{}', '{}'", std::string(64, '0'), std::string(64, 'a'));
  for (int seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(
        db->exec(fmt::format("INSERT INTO audit VALUES ({}, 0, 'republic', 'republican', "
                             "'{}', 1, '{{}}', {})",
                             seq, seq == 1 ? "register" : "read_referral", hashes)));
  }
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), schema_version());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'audit_by_referral'"), 0);
  EXPECT_EQ(scalar(*db,
                   "SELECT count(*) FROM audit INDEXED BY audit_reads "
                   "WHERE seq / 1048576 = 0 AND referral_id = 1 "
                   "AND action IN ('read_referral', 'read_attachment')"),
            2);
}

TEST(Migrations, Version12GivesExistingHospitalsEveryProfileAndKeepsTheirTalons) {
  TempDir old_dir;
  auto opened = SqliteDatabase::open(old_dir.file("v11.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(opened.has_value());
  std::optional<SqliteDatabase> db{std::move(*opened)};
  ASSERT_TRUE(migrate(*db, 11));
  ASSERT_TRUE(db->exec(
      "INSERT INTO organizations (id, name, kind, level, region) VALUES "
      "  (1, 'P', 'polyclinic', 'local', '75'), (2, 'H', 'hospital', 'republican', '71');"
      "INSERT INTO patients (id, iin, last_name, first_name, birth_date, sex, residency, region, "
      "  insured, registered_by_organization, created_at) VALUES (1, '850715300122', 'A', 'B', "
      "  '1985-07-15', 'male', 'citizen', '75', 1, 1, 0);"
      "INSERT INTO quotas (period, region, profile, allocated, reserved, used) "
      "  VALUES (2026, '75', 'oncology', 5, 1, 0);"
      "INSERT INTO referrals (id, code, state, version, patient_id, patient_iin, patient_region, "
      "  icd10, profile, urgency, care_form, justification, referring_organization_id, "
      "  created_by, created_at, updated_at, state_since, quota_period, quota_region, "
      "  quota_profile, quota_holding, talon_number, talon_issued_at, talon_valid_until, "
      "  hospital_id, planned_date) VALUES (1, '75-26-1000001', 'talon_issued', 3, 1, "
      "  '850715300122', '75', 'C34.1', 'oncology', 'routine', 'inpatient', 'x', 1, 1, 0, 0, 0, "
      "  2026, '75', 'oncology', 'reserved', 'T-1', 0, 86400, 2, '2026-03-10');"));
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), schema_version());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM organization_profiles WHERE organization_id = 2"),
            12);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM organization_profiles WHERE organization_id = 1"),
            0);
  EXPECT_EQ(scalar(*db, "SELECT accepts_high_tech * 10 + accepts_planned FROM organizations "
                        "WHERE id = 2"),
            10);
  EXPECT_EQ(scalar(*db, "SELECT route = 'high_tech' AND addressed_to = 2 AND version = 3 "
                        "FROM referrals WHERE id = 1"),
            1);
  // The rebuilt table keeps its rules: a talon still needs its hospital.
  EXPECT_FALSE(db->exec("UPDATE referrals SET hospital_id = NULL WHERE id = 1"));
}

TEST(Migrations, Version19WritesToExistingPatientsInKazakhAndKeepsOneMessagePerKey) {
  TempDir old_dir;
  auto opened = SqliteDatabase::open(old_dir.file("v18.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(opened.has_value());
  std::optional<SqliteDatabase> db{std::move(*opened)};
  ASSERT_TRUE(migrate(*db, 18));
  ASSERT_TRUE(db->exec(
      "INSERT INTO organizations (id, name, kind, level, region) VALUES "
      "  (1, 'P', 'polyclinic', 'local', '75');"
      "INSERT INTO patients (id, iin, last_name, first_name, birth_date, sex, residency, region, "
      "  insured, registered_by_organization, created_at) VALUES (1, '850715300122', 'A', 'B', "
      "  '1985-07-15', 'male', 'citizen', '75', 1, 1, 0);"));
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "SELECT email = '' AND language = 'kk' FROM patients WHERE id = 1"), 1);
  EXPECT_FALSE(db->exec("UPDATE patients SET language = 'en'"));
  EXPECT_FALSE(db->exec("UPDATE patients SET email = 'not an address'"));
  auto const message = [&](std::string const& key, std::string const& state,
                           std::string const& sent_at) {
    return db->exec(fmt::format(
        "INSERT INTO outbox (created_at, patient_id, channel, recipient, kind, language, subject, "
        "body, idempotency_key, state, attempts, next_attempt_at, last_error, sent_at) VALUES "
        "(0, 1, 'sms', '+77011234567', 'talon_issued', 'kk', '', 'text', '{}', '{}', 0, 0, '', "
        "{})",
        key, state, sent_at));
  };
  EXPECT_TRUE(message("k1", "pending", "NULL"));
  EXPECT_FALSE(message("k1", "pending", "NULL")) << "one message per idempotency key";
  EXPECT_FALSE(message("k2", "lost", "NULL"));
  EXPECT_FALSE(message("k3", "sent", "NULL")) << "a sent message says when";
  EXPECT_FALSE(message("k4", "pending", "5")) << "an unsent one does not";
  EXPECT_TRUE(message("k5", "sent", "5"));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox"), 2);
}

TEST(Migrations, Version20CountsTheReferralsTheWaitlistsAndTheReasonsAlreadyThere) {
  TempDir old_dir;
  auto opened = SqliteDatabase::open(old_dir.file("v19.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(opened.has_value());
  std::optional<SqliteDatabase> db{std::move(*opened)};
  ASSERT_TRUE(migrate(*db, 19));
  // 2026-03-31T20:00Z is already 1 April in Kazakhstan (UTC+5): counted in April.
  std::int64_t const april_local = 1774987200000;
  std::int64_t const march = 1772960000000;  // 2026-03-08, 13:53 in Kazakhstan
  ASSERT_TRUE(db->exec(fmt::format(
      "INSERT INTO organizations (id, name, kind, level, region) "
      "  VALUES (1, 'P', 'polyclinic', 'local', '75');"
      "INSERT INTO patients (id, iin, last_name, first_name, birth_date, sex, residency, region, "
      "  insured, registered_by_organization, created_at) VALUES "
      "  (1, '850715300122', 'A', 'B', '1985-07-15', 'male', 'citizen', '75', 1, 1, 0),"
      "  (2, '850715300133', 'A', 'C', '1985-07-15', 'male', 'citizen', '71', 1, 1, 0);"
      "INSERT INTO referrals (id, code, state, version, patient_id, patient_iin, patient_region, "
      "  icd10, profile, urgency, care_form, justification, referring_organization_id, "
      "  created_by, created_at, updated_at, state_since, quota_holding, waitlisted_at, "
      "  quota_period, quota_region, quota_profile) VALUES "
      "  (1, '75-26-1000001', 'rejected', 3, 1, '850715300122', '75', 'C34.1', 'oncology', "
      "   'routine', 'inpatient', 'x', 1, 1, {0}, {0}, {0}, 'none', NULL, NULL, NULL, NULL),"
      "  (2, '71-26-1000001', 'waitlisted', 4, 2, '850715300133', '71', 'C34.1', 'oncology', "
      "   'routine', 'inpatient', 'x', 1, 1, {1}, {1}, {1}, 'waiting', {1}, 2026, '71', "
      "   'oncology');",
      april_local, march)));
  std::string const hashes = fmt::format("'{}', '{}'", std::string(64, '0'), std::string(64, 'a'));
  ASSERT_TRUE(db->exec(fmt::format(
      "INSERT INTO audit VALUES (1, {}, 'commission', 'commission', 'reject', 1, "
      "'{{\"from\":\"commission_review\",\"reason_code\":\"duplicate\"}}', {})",
      april_local, hashes)));
  ASSERT_TRUE(migrate(*db));
  auto const counter = [&](std::string const& where) {
    return scalar(*db, "SELECT coalesce(sum(value), 0) FROM report_counters WHERE " + where);
  };
  EXPECT_EQ(counter("report = 'referrals' AND region = '75' AND profile = 'oncology' AND "
                    "bucket = '2026-04' AND series = 'high_tech|rejected'"),
            1);
  EXPECT_EQ(counter("report = 'referrals' AND region = '*' AND profile = '*' AND "
                    "series = 'high_tech|open' AND bucket = '2026-03'"),
            1);
  EXPECT_EQ(counter("report = 'referrals' AND region = '*' AND profile = '*'"), 2);
  EXPECT_EQ(counter("report = 'waiting' AND region = '71' AND profile = 'oncology' AND "
                    "bucket = '2026-03-08'"),
            1);
  EXPECT_EQ(counter("report = 'waiting' AND region = '75'"), 0);
  EXPECT_EQ(counter("report = 'reasons_day' AND region = '75' AND bucket = '2026-04-01' AND "
                    "series = 'reject|duplicate'"),
            1);
  EXPECT_EQ(counter("report = 'reasons_month' AND region = '*' AND bucket = '2026-04'"), 1);
}

TEST(Migrations, Versions21And22SumUpTheWaitlistsAsTheWorkflowDoes) {
  TempDir old_dir;
  auto opened = SqliteDatabase::open(old_dir.file("v20.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(opened.has_value());
  std::optional<SqliteDatabase> db{std::move(*opened)};
  ASSERT_TRUE(migrate(*db, 20));
  // Three lists: an odd number waiting, an even number (the median is the later-joined of the two
  // middle waiters, the shorter wait, as nearest rank takes it), and one
  // whose only day has emptied (a row of zero never stays, but the migration must not count it).
  std::vector<CounterValue> const rows{
      {{"waiting", "75", "oncology", "2026-01-05", ""}, 2},
      {{"waiting", "75", "oncology", "2026-02-10", ""}, 1},
      {{"waiting", "75", "oncology", "2026-03-01", ""}, 2},
      {{"waiting", "71", "oncology", "2025-12-30", ""}, 1},
      {{"waiting", "71", "oncology", "2026-02-01", ""}, 1},
      {{"waiting", "71", "oncology", "2026-02-20", ""}, 1},
      {{"waiting", "71", "oncology", "2026-02-27", ""}, 1},
      {{"waiting", "73", "cardiology", "2026-02-27", ""}, 0},
  };
  for (auto const& row : rows) {
    ASSERT_TRUE(db->exec(fmt::format(
        "INSERT INTO report_counters VALUES ('waiting', '{}', '{}', '{}', '', {})",
        row.key.region, row.key.profile, row.key.bucket, row.value)));
  }
  // 21 sums each list up into three counters, 22 moves them into a row of the list's own.
  ASSERT_TRUE(migrate(*db, 21));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM report_counters WHERE report = 'waiting_summary'"),
            6);
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM report_counters WHERE report = 'waiting_summary'"),
            0);
  auto const summed = [&](std::string const& region, std::string const& profile) {
    std::vector<CounterValue> list;
    for (auto const& row : rows) {
      if (row.key.region == region && row.key.profile == profile) list.push_back(row);
    }
    return summarize_waitlist(list);
  };
  auto const stored = [&](std::string const& region,
                          std::string const& profile) -> std::optional<WaitlistSummary> {
    auto s = db->prepare(
        "SELECT length, earliest_day, median_day FROM waitlist_summaries WHERE region = ?1 AND "
        "profile = ?2");
    EXPECT_TRUE(s.has_value());
    s->bind(1, region).bind(2, profile);
    if (!s->step().value()) return std::nullopt;
    return WaitlistSummary{s->int64(0), Date{std::chrono::days{s->int64(1)}},
                           Date{std::chrono::days{s->int64(2)}}};
  };
  EXPECT_EQ(stored("75", "oncology"), summed("75", "oncology"));
  EXPECT_EQ(stored("71", "oncology"), summed("71", "oncology"));
  EXPECT_EQ(stored("75", "oncology")->length, 5);
  EXPECT_EQ(stored("75", "oncology")->median_joined, parse_date("2026-02-10"));
  EXPECT_EQ(stored("71", "oncology")->median_joined, parse_date("2026-02-20"))
      << "4 waiting: the 2nd counted from the latest joined";
  EXPECT_EQ(stored("71", "oncology")->earliest_joined, parse_date("2025-12-30"));
  EXPECT_EQ(stored("73", "cardiology"), std::nullopt) << "no one waits there";
}

TEST(Migrations, TheWriterMigratesAndReopensAnExistingFile) {
  TempDir dir;
  for (int i = 0; i < 2; ++i) {
    auto writer = Writer::start(dir.file("j.db"));
    ASSERT_TRUE(writer.has_value()) << writer.error().message;
  }
  auto db = SqliteDatabase::open(dir.file("j.db"), SqliteDatabase::Access::ReadOnly);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM regions"), 20);
}

}  // namespace
}  // namespace joldama::storage
