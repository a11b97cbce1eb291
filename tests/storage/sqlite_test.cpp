#include "storage/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/temp_dir.hpp"

namespace joldama::storage {
namespace {

using testing::TempDir;

std::string pragma(Database& db, std::string const& name) {
  auto s = db.prepare("PRAGMA " + name);
  EXPECT_TRUE(s.has_value());
  auto row = s->step();
  EXPECT_TRUE(row.has_value() && *row);
  return s->text(0);
}

TEST(Sqlite, OpensWithTheHouseSettings) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ(pragma(*db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*db, "synchronous"), "2");  // FULL
  EXPECT_EQ(pragma(*db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(*db, "busy_timeout"), "10000");
}

TEST(Sqlite, ReadOnlyConnectionsRefuseWrites) {
  TempDir dir;
  auto writer = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(writer->exec("CREATE TABLE t (x INTEGER)"));
  auto reader = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadOnly);
  ASSERT_TRUE(reader.has_value());
  auto const refused = reader->exec("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("readonly"), std::string::npos) << refused.error().message;
}

TEST(Sqlite, AMissingFileIsNotCreatedByAReader) {
  TempDir dir;
  auto reader = SqliteDatabase::open(dir.file("missing.db"), SqliteDatabase::Access::ReadOnly);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, Errc::Unavailable);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST(Sqlite, BindsAndReadsValuesIncludingNullsAndBytes) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(db->exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)"));
  auto insert = db->prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert.has_value());
  std::string const bytes("a\0b", 3);
  insert->bind(1, std::int64_t{1} << 40).bind(2, "Қазақ'; DROP TABLE t; --").bind_blob(3, bytes);
  insert->bind(4, std::optional<std::string>{});
  ASSERT_TRUE(insert->run());
  auto select = db->prepare("SELECT i, s, b, n FROM t");
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->int64(0), std::int64_t{1} << 40);
  EXPECT_EQ(select->text(1), "Қазақ'; DROP TABLE t; --");
  EXPECT_EQ(select->text(2), bytes);
  EXPECT_TRUE(select->is_null(3));
  EXPECT_EQ(select->optional_text(3), std::nullopt);
}

TEST(Sqlite, CachedStatementsAreResetForReuse) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)"));
  for (int round = 0; round < 3; ++round) {
    auto s = db->prepare("SELECT x FROM t WHERE x >= ?1 ORDER BY x");
    s->bind(1, 2);
    ASSERT_TRUE(s->step().value());  // leave the statement mid-way on purpose
    EXPECT_EQ(s->int64(0), 2);
  }
}

TEST(Sqlite, ErrorsMapToDomainCodes) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("a.db"), SqliteDatabase::Access::ReadWrite);
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER UNIQUE CHECK (x > 0))"));
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
  EXPECT_EQ(db->exec("INSERT INTO t VALUES (1)").error().code, Errc::Duplicate);
  EXPECT_EQ(db->exec("INSERT INTO t VALUES (-1)").error().code, Errc::Internal);
  auto const syntax = db->prepare("SELEC 1");
  ASSERT_FALSE(syntax.has_value());
  EXPECT_NE(syntax.error().message.find("syntax"), std::string::npos);
  EXPECT_EQ(errc_for(SQLITE_FULL), Errc::StorageFull);
  EXPECT_EQ(errc_for(SQLITE_BUSY), Errc::Unavailable);
  // A refused write is a full disk (or a file size limit reached); other I/O errors are not.
  EXPECT_EQ(errc_for(SQLITE_IOERR_WRITE), Errc::StorageFull);
  EXPECT_EQ(errc_for(SQLITE_IOERR_READ), Errc::Unavailable);
}

}  // namespace
}  // namespace joldama::storage
