// The keyed audit chain and its signed anchors: what someone holding the database file (but not
// the key, nor the anchors copied off the machine) can no longer do unnoticed — change an event,
// recompute the chain, cut its tail — each named distinctly; key rotation; forged anchors.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "storage/audit_anchors.hpp"
#include "storage/audit_chain.hpp"
#include "storage/audit_keys.hpp"
#include "storage/writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::TempDir;

void tamper(std::filesystem::path const& db_path, std::string const& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  std::string const script =
      "DROP TRIGGER IF EXISTS audit_is_append_only_update;"
      "DROP TRIGGER IF EXISTS audit_is_append_only_delete;" +
      sql;
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::vector<AuditRecord> records(std::filesystem::path const& db_path) {
  auto db = SqliteDatabase::open(db_path, SqliteDatabase::Access::ReadOnly);
  auto rows = db->prepare(
      "SELECT seq, at, actor, role, action, referral_id, detail, prev_hash, hash FROM audit "
      "ORDER BY seq");
  std::vector<AuditRecord> out;
  while (rows->step().value()) {
    out.push_back(AuditRecord{rows->int64(0), rows->int64(1), rows->text(2), rows->text(3),
                              rows->text(4), rows->optional_int64(5), rows->text(6),
                              rows->text(7), rows->text(8)});
  }
  return out;
}

// Rewrites event `from` and everything after it as an attacker would: a changed actor, and the
// chain recomputed under `key` (null: plain SHA-256, having no key).
void recompute_from(std::filesystem::path const& db_path, std::int64_t from,
                    AuditKeys const* keys) {
  auto all = records(db_path);
  std::string sql;
  std::string prev = all[static_cast<std::size_t>(from - 2)].hash;
  for (auto& r : all) {
    if (r.seq < from) continue;
    if (r.seq == from) r.actor = "mallory";
    r.prev_hash = prev;
    r.hash = audit_hash(prev, r, keys ? keys->key_for(r.seq) : nullptr);
    prev = r.hash;
    sql += "UPDATE audit SET actor = '" + r.actor + "', prev_hash = '" + r.prev_hash +
           "', hash = '" + r.hash + "' WHERE seq = " + std::to_string(r.seq) + ";";
  }
  tamper(db_path, sql);
}

class KeyedChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = AuditKeys::load_or_create(dir.file("audit.key"), 1);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    keys = std::move(*loaded);
    append(kEvents);
  }

  // Appends `n` events through a writer that anchors every 10 events and at stop.
  void append(int n) {
    auto anchors = AnchorFile::open(dir.file("audit.anchors"), *keys, 10);
    ASSERT_TRUE(anchors.has_value());
    WriterOptions options;
    options.audit_keys = &*keys;
    options.anchors = anchors->get();
    auto writer = Writer::start(db_path, options);
    ASSERT_TRUE(writer.has_value()) << writer.error().message;
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(transact(**writer, [&](Store& s) {
        return s.append_audit(AuditEvent{from_millis(1'770'000'000'000 + i), "doctor", Role::Doctor,
                                         "read_patient", std::nullopt,
                                         {{"patient_id", std::to_string(i)}}});
      }));
    }
    (*writer)->stop();
  }

  AuditVerification verify(bool with_key = true) {
    auto db = SqliteDatabase::open(db_path, SqliteDatabase::Access::ReadOnly);
    auto anchors = read_anchors(dir.file("audit.anchors"));
    EXPECT_TRUE(anchors.has_value());
    auto public_keys = load_public_keys(AuditKeys::public_key_path(dir.file("audit.key")));
    EXPECT_TRUE(public_keys.has_value());
    anchors_read = *anchors;
    public_read = *public_keys;
    auto result = verify_audit(*db, AuditEvidence{with_key ? &*keys : nullptr, &anchors_read,
                                                  &public_read});
    EXPECT_TRUE(result.has_value());
    return *result;
  }

  static constexpr int kEvents = 65;
  TempDir dir;
  std::filesystem::path db_path = dir.file("j.db");
  std::optional<AuditKeys> keys;
  std::vector<NumberedAnchor> anchors_read;
  PublicKeys public_read;
};

TEST_F(KeyedChainTest, AnUntouchedChainVerifiesAndAgreesWithItsSignedAnchors) {
  auto const result = verify();
  EXPECT_TRUE(result.ok) << result.reason;
  EXPECT_EQ(result.events, kEvents);
  // Every 10 events, and the end at stop.
  EXPECT_EQ(result.anchors, 7);
  EXPECT_TRUE(result.signatures_checked);
  auto const anchors = read_anchors(dir.file("audit.anchors")).value();
  EXPECT_EQ(anchors.back().anchor.seq, kEvents);
}

TEST_F(KeyedChainTest, TheKeyFileIsTheOwnersAloneAndTheHashesAreKeyed) {
  struct stat info{};
  ASSERT_EQ(::stat(dir.file("audit.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(dir.file("audit.anchors").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  // A plain SHA-256 chain does not reproduce the stored hashes.
  auto const all = records(db_path);
  EXPECT_NE(audit_hash(all[0].prev_hash, all[0]), all[0].hash);
  EXPECT_EQ(audit_hash(all[0].prev_hash, all[0], keys->key_for(1)), all[0].hash);
}

TEST_F(KeyedChainTest, AnEditedEventIsNamedAsAltered) {
  tamper(db_path, "UPDATE audit SET detail = '{\"patient_id\":\"999\"}' WHERE seq = 30");
  auto const result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.finding, AuditFinding::Altered);
  EXPECT_EQ(result.broken_seq, 30);
  EXPECT_EQ(result.events, 29);
}

TEST_F(KeyedChainTest, AChainRecomputedWithoutTheKeyIsNamedAsRecomputed) {
  recompute_from(db_path, 30, nullptr);
  auto const result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.finding, AuditFinding::Recomputed);
  EXPECT_EQ(result.broken_seq, 30);
  EXPECT_NE(result.reason.find("without the key"), std::string::npos);
}

TEST_F(KeyedChainTest, AChainRecomputedWithTheKeyDisagreesWithTheAnchors) {
  // Whoever has the key too can recompute a chain that verifies; the anchors signed earlier,
  // copied off the machine, still hold the hashes the chain had.
  recompute_from(db_path, 30, &*keys);
  auto const result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.finding, AuditFinding::Rewritten);
  EXPECT_EQ(result.broken_seq, 30);  // the first anchor after the change
}

TEST_F(KeyedChainTest, ACutTailIsNamedAsTruncated) {
  tamper(db_path, "DELETE FROM audit WHERE seq > " + std::to_string(kEvents - 50));
  auto const result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.finding, AuditFinding::Truncated);
  EXPECT_EQ(result.broken_seq, kEvents - 50 + 1);
  EXPECT_NE(result.reason.find("tail was cut off"), std::string::npos);
  // Without the anchors, the shorter chain would have verified: that is what they are for.
  auto db = SqliteDatabase::open(db_path, SqliteDatabase::Access::ReadOnly);
  EXPECT_TRUE(verify_audit(*db, AuditEvidence{&*keys, nullptr, nullptr})->ok);
}

TEST_F(KeyedChainTest, AForgedAnchorIsRefused) {
  auto anchors = read_anchors(dir.file("audit.anchors")).value();
  std::ostringstream rewritten;
  std::ifstream in{dir.file("audit.anchors")};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    if (++number == 3) {
      // Someone makes the anchors match a changed chain without the signing key.
      auto const hash = anchors[2].anchor.hash;
      line.replace(line.find(hash), hash.size(), std::string(64, 'f'));
    }
    rewritten << line << '\n';
  }
  in.close();
  std::ofstream{dir.file("audit.anchors")} << rewritten.str();
  auto const result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.finding, AuditFinding::ForgedAnchor);
  EXPECT_NE(result.reason.find("line 3"), std::string::npos);
}

TEST_F(KeyedChainTest, ARotatedKeyHashesWhatFollowsAndTheOldOneStillVerifiesWhatCameBefore) {
  auto const rotated = keys->rotate(kEvents + 1);
  ASSERT_TRUE(rotated.has_value());
  append(12);
  auto reloaded = AuditKeys::load(dir.file("audit.key"));
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_EQ(reloaded->keys().size(), 2u);
  EXPECT_EQ(reloaded->key_for(kEvents)->id, reloaded->keys()[0].id);
  EXPECT_EQ(reloaded->key_for(kEvents + 1)->id, rotated->id);
  keys = std::move(*reloaded);
  auto const result = verify();
  EXPECT_TRUE(result.ok) << result.reason;
  EXPECT_EQ(result.events, kEvents + 12);
  // Anchors made after the rotation are signed by the new key.
  auto const anchors = read_anchors(dir.file("audit.anchors")).value();
  EXPECT_EQ(anchors.back().anchor.key_id, rotated->id);
  EXPECT_EQ(anchors.front().anchor.key_id, keys->keys()[0].id);
}

TEST(AuditKeys, AKeyFileThatWasTamperedWithIsRefused) {
  TempDir dir;
  ASSERT_TRUE(AuditKeys::load_or_create(dir.file("k"), 1).has_value());
  std::ifstream in{dir.file("k")};
  std::stringstream text;
  text << in.rdbuf();
  auto changed = text.str();
  auto const at = changed.find("key ") + 4;
  changed[at] = changed[at] == 'a' ? 'b' : 'a';  // the id no longer matches the key
  std::ofstream{dir.file("k")} << changed;
  auto const loaded = AuditKeys::load(dir.file("k"));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("id does not belong"), std::string::npos);
}

}  // namespace
}  // namespace joldama::storage
