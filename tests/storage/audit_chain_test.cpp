#include "storage/audit_chain.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_bureau.hpp"

namespace joldama::storage {
namespace {

using joldama::testing::TestBureau;

using joldama::testing::open_database;
using joldama::testing::tamper_with_audit;

AuditVerification verify(std::string const& location) {
  auto db = open_database(location);
  auto result = verify_audit(*db);
  EXPECT_TRUE(result.has_value());
  return *result;
}

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bureau.set_quota(bureau.key(), 3));
    ASSERT_TRUE(bureau.referral_with_talon());  // patient, register, submit, approve ×2
    bureau.writer->stop();
    events = verify(bureau.location).events;
    ASSERT_GE(events, 6);
  }
  TestBureau bureau;
  std::int64_t events = 0;
};

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AuditChainTest, AnUntouchedLogVerifies) {
  auto const result = verify(bureau.location);
  EXPECT_TRUE(result.ok);
  EXPECT_FALSE(result.broken_seq.has_value());
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit"), result.events);
  // Each event links to the one before it.
  EXPECT_EQ(*bureau.count("SELECT count(*) FROM audit AS a JOIN audit AS b ON b.seq = a.seq + 1 "
                          "WHERE b.prev_hash <> a.hash"),
            0);
}

TEST_F(AuditChainTest, AChangedEventBreaksTheChainThere) {
  tamper_with_audit(bureau.location, R"(UPDATE audit SET detail = '{"to":"completed"}' WHERE seq = 3)");
  auto const result = verify(bureau.location);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.broken_seq, 3);
  EXPECT_EQ(result.events, 2);
  EXPECT_NE(result.reason.find("altered"), std::string::npos);
}

TEST_F(AuditChainTest, ARehashedForgeryBreaksTheNextLink) {
  // Recomputing the changed event's own hash does not help: the next event still points at the
  // original.
  auto db = open_database(bureau.location);
  auto row = db->prepare(
      "SELECT seq, at, actor, role, action, referral_id, prev_hash FROM audit "
      "WHERE seq = 2");
  ASSERT_TRUE(row->step().value());
  AuditRecord forged{row->int64(0), row->int64(1), "mallory",
                     row->text(3),  row->text(4),  row->optional_int64(5),
                     "{}",          row->text(6),  {}};
  forged.hash = audit_hash(forged.prev_hash, forged);
  *row = Statement{};
  tamper_with_audit(bureau.location, "UPDATE audit SET actor = 'mallory', detail = '{}', hash = '" +
                             forged.hash + "' WHERE seq = 2");
  auto const result = verify(bureau.location);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.broken_seq, 3);
}

TEST_F(AuditChainTest, ARemovedEventIsNoticed) {
  tamper_with_audit(bureau.location, "DELETE FROM audit WHERE seq = 4");
  auto const result = verify(bureau.location);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.broken_seq, 5);
  EXPECT_NE(result.reason.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace joldama::storage
